// Positions in query text count bytes, not characters, in Prometheus: checked against promtool 2.42's parse
// errors, which go through the same line:column code (posrange.StartPosInput in 3.x) as annotations do.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExpr } from '../../promql/parse.ts';
import { peer } from '../helpers/peers.ts';

const promtool = peer('promtool', 'prometheus');

/** The line:column promtool gives for the rule expression's parse error. */
function promtoolPosition(dir: string, query: string): string | undefined {
  const file = join(dir, 'rules.json');
  writeFileSync(file, JSON.stringify({ groups: [{ name: 'g', rules: [{ record: 'r', expr: query }] }] }));
  const res = spawnSync(promtool as string, ['check', 'rules', file], { encoding: 'utf8' });
  return /could not parse expression: (\d+:\d+): parse error/.exec(`${res.stdout}${res.stderr}`)?.[1];
}

function ourPosition(query: string): string | undefined {
  try {
    parseExpr(query);
  } catch (err) {
    return /^(\d+:\d+): parse error/.exec((err as Error).message)?.[1];
  }
  return undefined;
}

describe.skipIf(!promtool)('parse error positions: Outpost against promtool 2.42', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-position-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['sum({a="é"}) + ', '{a="😀"} +\n  {b="ü"} * ', 'sum by (x) ({a="ñ", b="日本"} offset)'])('%j', (query) => {
    const want = promtoolPosition(dir, query);
    expect(want).toBeDefined();
    expect(ourPosition(query)).toBe(want);
  });
});
