import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { alertingRule } from './alerting.ts';
import { ruleGroup, type RuleGroup } from './group.ts';
import { recordingRule } from './recording.ts';
import { readRuleFile, RuleFileError, type RuleFileSpec } from './rule-file.ts';

/** Go's filepath.Match syntax (`*`, `?`, `[a-z]`, `[^a]`) for one path segment, as a RegExp. */
function segmentPattern(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] as string;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 1);
      if (end < 0) throw new Error(`syntax error in pattern ${JSON.stringify(segment)}`);
      re += `[${segment.slice(i + 1, end).replace(/^\^/, '^').replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '\\' && i + 1 < segment.length) re += `\\${segment[++i]}`;
    else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const hasMeta = (s: string) => /[*?[]/.test(s);

/**
 * Expands one glob as Go's filepath.Glob does for rule_files: meta characters in any path segment, matches in
 * lexical order, a pattern without meta characters returned only if the file exists. Relative to `baseDir`.
 */
export function expandGlob(pattern: string, baseDir = process.cwd()): string[] {
  const full = isAbsolute(pattern) ? pattern : resolve(baseDir, pattern);
  const parts = full.split('/');
  let paths = [parts[0] === '' ? '/' : (parts[0] as string)];
  for (const part of parts.slice(1)) {
    if (part === '') continue;
    const next: string[] = [];
    for (const dir of paths) {
      if (!hasMeta(part)) {
        next.push(join(dir, part));
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(dir).sort();
      } catch {
        continue;
      }
      const re = segmentPattern(part);
      for (const name of names) if (re.test(name)) next.push(join(dir, name));
    }
    paths = next;
  }
  return paths.filter((p) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  });
}

/**
 * Reads every rule file the patterns name. All files are read and checked before any is used, so a bad file
 * refuses the whole set (and a running set stays as it was); the error lists each bad file's problems.
 */
export function loadRuleFiles(patterns: readonly string[], baseDir?: string): RuleFileSpec[] {
  const files = [...new Set(patterns.flatMap((p) => expandGlob(p, baseDir)))];
  const specs: RuleFileSpec[] = [];
  const failures: RuleFileError[] = [];
  for (const file of files) {
    try {
      specs.push(readRuleFile(file));
    } catch (err) {
      if (!(err instanceof RuleFileError)) throw err;
      failures.push(err);
    }
  }
  if (failures.length > 0) throw new RuleFileError(failures.flatMap((f) => f.problems));
  return specs;
}

export interface GroupDefaults {
  /** Prometheus' global evaluation_interval, for groups that name no interval. */
  readonly intervalMs: number;
  readonly queryOffsetMs?: number;
}

/** Groups ready to evaluate, in file order and then group order, as Prometheus loads them. */
export function buildGroups(files: readonly RuleFileSpec[], defaults: GroupDefaults, clock?: () => number): RuleGroup[] {
  return files.flatMap((f) =>
    f.groups.map((g) =>
      ruleGroup(
        {
          file: g.file,
          name: g.name,
          intervalMs: g.intervalMs || defaults.intervalMs,
          queryOffsetMs: g.queryOffsetMs ?? defaults.queryOffsetMs ?? 0,
          limit: g.limit,
          rules: g.rules.map((r) => (r.kind === 'recording' ? recordingRule(r.name, r.query, r.labels) : alertingRule(r))),
        },
        clock,
      ),
    ),
  );
}
