import { compileGoRegex, GoRegexError } from '../agent/collect/scrape/relabel-regex.ts';
import { spellOutCaseFolding } from './parse-regex.ts';
import type { Labels } from '../protocol/labels.ts';

export type MatchType = '=' | '!=' | '=~' | '!~';

/** A label matcher as PromQL writes it; storage resolves selectors with these. */
export interface Matcher {
  readonly type: MatchType;
  readonly name: string;
  readonly value: string;
  /** Tests one label value; a missing label is the empty string, as in Prometheus. */
  readonly matches: (value: string) => boolean;
}

export function makeMatcher(type: MatchType, name: string, value: string): Matcher {
  switch (type) {
    case '=':
      return { type, name, value, matches: (v) => v === value };
    case '!=':
      return { type, name, value, matches: (v) => v !== value };
    case '=~':
    case '!~': {
      // Go (RE2) syntax, fully anchored, `.` matching newlines, as Prometheus 3 compiles `^(?s:<re>)$`.
      // Throws GoRegexError for a regex Go would refuse or JavaScript cannot match the same way.
      const re = compileAnchored(value);
      return type === '=~'
        ? { type, name, value, matches: (v) => re.test(v) }
        : { type, name, value, matches: (v) => !re.test(v) };
    }
  }
}

/** compileGoRegex, with case-insensitive flag groups inside the pattern (`a(?i:b)`) spelt out as classes. */
function compileAnchored(source: string): RegExp {
  try {
    return compileGoRegex(source);
  } catch (err) {
    if (!(err instanceof GoRegexError) || !err.message.includes('flag group')) throw err;
    try {
      return compileGoRegex(spellOutCaseFolding(source));
    } catch {
      throw err;
    }
  }
}

export function matchesAll(labels: Labels, matchers: readonly Matcher[]): boolean {
  return matchers.every((m) => m.matches(labels[m.name] ?? ''));
}
