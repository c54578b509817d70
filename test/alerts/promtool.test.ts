import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readRuleFile } from '../../promql/rules/rule-file.ts';
import { runUnitTestFile } from '../../promql/rules/unit-test.ts';
import { peer } from '../helpers/peers.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLES = join(ROOT, 'rules', 'edge.rules.yml');
const UNIT = join(ROOT, 'test', 'alerts', 'fixtures', 'unit');
const promtool = peer('promtool', 'prometheus');

const run = (args: string[]) => spawnSync(promtool as string, args, { encoding: 'utf8', cwd: UNIT });
const outpostAccepts = (file: string) => {
  try {
    readRuleFile(file);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(!promtool)("Debian's promtool and Outpost agree on rule files", () => {
  it('promtool check rules accepts the shipped example rules, and so does Outpost', () => {
    const res = run(['check', 'rules', EXAMPLES]);
    expect(res.status, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toContain('SUCCESS: 7 rules found');
    expect(readRuleFile(EXAMPLES).groups.flatMap((g) => g.rules)).toHaveLength(7);
  });

  it.each(['rules.yml', 'bad-expr.rules.yml', 'duplicate.rules.yml'])('check rules gives the same verdict on %s', (name) => {
    const file = join(UNIT, name);
    expect(outpostAccepts(file)).toBe(run(['check', 'rules', file]).status === 0);
  });

  // Files named pass-* must pass and fail-* must fail, under both tools; the example rules' own tests too.
  const files = [...readdirSync(UNIT).filter((f) => f.endsWith('.test.yml')).map((f) => join(UNIT, f)), join(ROOT, 'rules', 'edge.rules.test.yml')];
  it.each(files.map((f) => [f.slice(ROOT.length), f]))('test rules gives the same verdict on %s', (_name, file) => {
    const expected = !file.split('/').pop()?.startsWith('fail-');
    const theirs = spawnSync(promtool as string, ['test', 'rules', file], { encoding: 'utf8' });
    const ours = runUnitTestFile(file);
    expect(theirs.status === 0, `promtool:\n${theirs.stdout}${theirs.stderr}`).toBe(expected);
    expect(ours.errors.length === 0, `outpost:\n${ours.errors.join('\n')}`).toBe(expected);
  });

  it('reports the same failure as promtool for a missed alert', () => {
    const file = join(UNIT, 'fail-keep-firing.test.yml');
    const theirs = spawnSync(promtool as string, ['test', 'rules', file], { encoding: 'utf8' });
    const [ours] = runUnitTestFile(file).errors;
    expect(theirs.stderr).toContain(ours);
  });
});
