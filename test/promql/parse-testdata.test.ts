// Parses every eval expression of Prometheus' own PromQL test scripts (../shared/promql-testdata), which
// Prometheus parses while loading each file: all of them must parse, except that a query the script expects to
// fail may also be refused here already (Prometheus would refuse it at evaluation).

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseExpr } from '../../promql/parse.ts';

const DIR = new URL('../../../shared/promql-testdata/', import.meta.url);

// The line grammar of Prometheus' promqltest (test.go): patEvalInstant and patEvalRange.
const EVAL_INSTANT = /^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$/;
const EVAL_RANGE = /^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$/;

interface EvalQuery {
  readonly file: string;
  readonly line: number;
  readonly query: string;
  /** eval_fail, or an `expect fail` line below the eval. */
  readonly failExpected: boolean;
}

/** The eval commands of a script: lines trimmed, `#` lines blank, expect lines up to the next blank line. */
function evalQueries(file: string, text: string): EvalQuery[] {
  const lines = text.split('\n').map((l) => l.trim()).map((l) => (l.startsWith('#') ? '' : l));
  const out: EvalQuery[] = [];
  lines.forEach((line, i) => {
    if (!line.split(/[\t ]+/, 1)[0]?.toLowerCase().startsWith('eval')) return;
    const instant = EVAL_INSTANT.exec(line);
    const range = EVAL_RANGE.exec(line);
    const parts = instant ?? range;
    if (!parts) throw new Error(`${file}:${i + 1}: not an eval command: ${line}`);
    const query = (instant ? instant[3] : range?.[5]) as string;
    let failExpected = parts[1] === 'fail';
    for (let j = i + 1; j < lines.length && lines[j] !== ''; j++) {
      if (/^expect\s+fail\b/.test(lines[j] as string)) failExpected = true;
    }
    out.push({ file, line: i + 1, query, failExpected });
  });
  return out;
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.test')).sort();
const queries = files.flatMap((f) => evalQueries(f, readFileSync(new URL(f, DIR), 'utf8')));

function attempt(q: EvalQuery): string | undefined {
  try {
    parseExpr(q.query);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

describe('parseExpr over Prometheus promqltest scripts', () => {
  it('finds the eval commands of every file', () => {
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(queries.some((q) => q.file === f)).toBe(true);
  });

  it('parses every eval expression (expected failures may be refused by the parser)', () => {
    const refused = queries.map((q) => ({ q, error: attempt(q) })).filter((r) => r.error !== undefined);
    const wrongly = refused.filter((r) => !r.q.failExpected).map((r) => `${r.q.file}:${r.q.line}: ${r.q.query}\n    ${r.error}`);
    const early = refused.filter((r) => r.q.failExpected);
    console.log(
      `promql-testdata: ${queries.length} eval expressions in ${files.length} files ` +
        `(${queries.filter((q) => q.failExpected).length} expected to fail); ` +
        `${queries.length - refused.length} parse, ${early.length} expected failures refused by the parser, ` +
        `${wrongly.length} refused that Prometheus parses`,
    );
    for (const r of early) console.log(`  refused at parse (expect fail): ${r.q.file}:${r.q.line}: ${r.q.query}\n    ${r.error}`);
    expect(wrongly).toEqual([]);
  });
});
