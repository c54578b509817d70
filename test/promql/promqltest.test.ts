import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { formatFileReport, formatTotal } from '../../cli/promqltest-command.ts';
import { parseDurationMs } from '../../promql/duration.ts';
import { parseError, QueryError } from '../../promql/errors.ts';
import { makeMatcher } from '../../promql/matcher.ts';
import { runPaths, runScript, testFiles, type Engine, type FileReport, type QueryResult } from '../../promql/promqltest/runner.ts';
import type { Queryable } from '../../promql/queryable.ts';
import { Annotations, pointsOf, rangeSeries, type Matrix, type Point, type Value, type Vector } from '../../promql/value.ts';
import type { Labels } from '../../protocol/labels.ts';
import { tempDir } from '../helpers/tmp.ts';
import { samplesOf } from '../../promql/columns.ts';

/**
 * A tiny stand-in engine, so the runner is tested on its own: `name{a="b"}` selectors, `sel[5m]`, number and
 * string literals, `warn(sel)` / `info(sel)` (annotate), `reverse(sel)` (unsorted output), `boom()` (fails).
 */
const LOOKBACK = 300_000;
const SELECTOR = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?(?:\[(\w+)\])?$/;

function instant(q: Queryable, text: string, t: number, ann: Annotations): Value {
  const call = /^(warn|info|reverse|boom)\((.*)\)$/.exec(text);
  if (call) {
    if (call[1] === 'boom') throw new QueryError('execution', 'boom happened here');
    // Both point at the argument, as Prometheus' function annotations do.
    if (call[1] === 'warn') ann.warn('careful', call[1].length + 1);
    if (call[1] === 'info') ann.info('fyi', call[1].length + 1);
    const inner = instant(q, call[2] as string, t, ann);
    return call[1] === 'reverse' && inner.type === 'vector' ? { type: 'vector', vector: [...inner.vector].reverse() } : inner;
  }
  if (/^-?[\d.]+$/.test(text)) return { type: 'scalar', t, v: Number(text) };
  if (/^"[^"]*"$/.test(text)) return { type: 'string', t, v: text.slice(1, -1) };
  const sel = SELECTOR.exec(text);
  if (!sel) throw parseError(text, 0, 'unexpected character');
  const matchers = [makeMatcher('=', '__name__', sel[1] as string)];
  for (const m of (sel[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) matchers.push(makeMatcher('=', m[1] as string, m[2] as string));
  if (sel[3] !== undefined) {
    const range = parseDurationMs(sel[3]) as number;
    const matrix: Matrix = [...q.select(matchers, t - range, t)].map((s) => rangeSeries(s.labels, samplesOf(s).filter((x) => !x.stale).map(({ t, v }) => ({ t, v }))));
    return { type: 'matrix', matrix };
  }
  const vector: Vector = [];
  for (const s of q.select(matchers, t - LOOKBACK, t)) {
    const last = samplesOf(s).pop();
    if (last && !last.stale) vector.push({ metric: s.labels, point: { t, v: last.v } });
  }
  return { type: 'vector', vector };
}

const fake: Engine = {
  instantQuery(q, text, t): QueryResult {
    const annotations = new Annotations();
    return { value: instant(q, text, t, annotations), annotations };
  },
  rangeQuery(q, text, start, end, step): QueryResult {
    const annotations = new Annotations();
    const series = new Map<string, { metric: Labels; points: Point[] }>();
    for (let t = start; t <= end; t += step) {
      const v = instant(q, text, t, annotations);
      const samples = v.type === 'vector' ? v.vector : v.type === 'scalar' ? [{ metric: {}, point: { t, v: v.v } }] : [];
      for (const s of samples) {
        const key = JSON.stringify(s.metric);
        if (!series.has(key)) series.set(key, { metric: s.metric, points: [] });
        series.get(key)?.points.push(s.point);
      }
    }
    const matrix = [...series.values()].sort((a, b) => (JSON.stringify(a.metric) < JSON.stringify(b.metric) ? -1 : 1)).map((s) => rangeSeries(s.metric, s.points));
    return { value: { type: 'matrix', matrix }, annotations };
  },
};

const run = (lines: string[], engine = fake) => runScript(lines.join('\n'), 't.test', engine);
const outcomes = (r: FileReport) => r.results.map((x) => [x.line, x.outcome]);
const failures = (r: FileReport) => r.results.filter((x) => x.outcome === 'failed').map((x) => [x.line, x.reason]);

const LOAD = ['load 1m', '  up{job="a"} 0+1x10', '  up{job="b"} 10-1x4 _ stale', '  other 1 NaN -Inf 2e1', ''];

describe('promqltest runner', () => {
  it('passes a script exercising every construct', async () => {
    const r = await run([
      ...LOAD,
      'eval instant at 2m up',
      '  up{job="a"} 2.0000000001',
      '  up{job="b"} 8',
      '',
      'eval instant at 7m up',
      '  expect no_warn',
      '  expect no_info',
      '  up{job="a"} 7',
      '',
      'eval range from 0 to 4m step 1m up{job="b"}',
      '  up{job="b"} 10-1x3 6',
      '',
      'eval range from 0 to 6m step 1m other',
      '  other 1 NaN -Inf 20 20 20 20',
      '',
      'eval instant at 0 42',
      '  42',
      '',
      'eval instant at 0 "Foo"',
      '  expect string "Foo"',
      '',
      'eval instant at 2m up{job="a"}[2m]',
      '  expect range vector from 1m to 2m step 1m',
      '  up{job="a"} 1 2',
      '',
      'eval instant at 1m boom()',
      '  expect fail msg: boom happened here',
      '',
      'eval instant at 1m boom()',
      '  expect fail regex: happened',
      '',
      'eval_fail instant at 1m boom()',
      '',
      'eval instant at 1m warn(up)',
      '  expect warn msg: PromQL warning: careful (1:6)',
      '  expect no_info',
      '  up{job="a"} 1',
      '  up{job="b"} 9',
      '',
      'eval_warn instant at 1m warn(up{job="a"})',
      '  up{job="a"} 1',
      '',
      'eval range from 0 to 1m step 1m info(up{job="a"})',
      '  expect info',
      '  up{job="a"} 0 1',
      '',
      'eval instant at 1m reverse(up)',
      '  expect ordered',
      '  up{job="b"} 9',
      '  up{job="a"} 1',
      '',
      'eval_ordered instant at 1m reverse(up)',
      '  up{job="b"} 9',
      '  up{job="a"} 1',
      '',
      'clear',
      '',
      'eval instant at 1m up',
    ]);
    expect(failures(r)).toEqual([]);
    expect(r).toMatchObject({ passed: 16, failed: 0, skipped: 0 });
  });

  it('reports a wrong expectation as failed, at the eval line, with the reason', async () => {
    const r = await run([
      ...LOAD,
      'eval instant at 2m up',
      '  up{job="a"} 3',
      '  up{job="b"} 8',
      '',
      'eval instant at 2m up',
      '  up{job="a"} 2',
      '',
      'eval instant at 2m up',
      '  up{job="a"} 2',
      '  up{job="b"} 8',
      '  up{job="c"} 8',
      '',
      'eval range from 0 to 2m step 1m up{job="a"}',
      '  up{job="a"} 0 1 3',
      '',
      'eval instant at 1m up',
      '  expect fail',
      '',
      'eval instant at 1m boom()',
      '  expect fail msg: something else',
      '',
      'eval instant at 1m warn(up{job="a"})',
      '  expect no_warn',
      '  up{job="a"} 1',
      '',
      'eval instant at 1m up{job="a"}',
      '  expect info',
      '  up{job="a"} 1',
      '',
      'eval instant at 1m reverse(up)',
      '  expect ordered',
      '  up{job="a"} 1',
      '  up{job="b"} 9',
      '',
      'eval instant at 1m up[',
      '  expect fail',
      '',
      'eval instant at 6m up{job="b"}',
      '  up{job="b"} stale',
      '',
      'eval instant at 0 1',
      '  2',
    ]);
    expect(r).toMatchObject({ passed: 0, failed: 12, skipped: 0 });
    expect(failures(r)).toEqual([
      [6, 'expected 3 for {__name__="up", job="a"} but got 2'],
      [10, 'unexpected metric {__name__="up", job="b"} in result, has value 8'],
      [13, 'expected metric {__name__="up", job="c"} with [8] not found'],
      [18, expect.stringMatching(/^expected float value at index 2 \(t=120000\) for \{__name__="up", job="a"\} to be 3, but got 2/)],
      [21, 'expected error evaluating query but got none'],
      [24, 'expected error matching message "something else", but got: boom happened here'],
      [27, 'unexpected warning annotations: ["PromQL warning: careful (1:6)"]'],
      [31, 'expected info annotations but none were found'],
      [35, 'expected metric {__name__="up", job="b"} with [9] at position 2 but was at 1'],
      [40, expect.stringMatching(/^query does not parse: 1:1: parse error/)],
      [43, 'expected metric {__name__="up", job="b"} with [stale] not found'],
      [46, 'expected scalar 2 but got 1'],
    ]);
  });

  it('counts evals that read or expect native histograms as skipped, never passed', async () => {
    const r = await run([
      'load 1m',
      '  h {{schema:0 sum:1 count:1 buckets:[1]}}x3',
      '  mixed 1 2 {{count:1}} 4',
      '  f 1+1x5',
      '',
      'eval instant at 1m h',
      '  h {{schema:0 sum:1 count:1 buckets:[1]}}',
      '',
      'eval instant at 1m warn(h)',
      '',
      'eval instant at 1m f',
      '  f 2',
      '',
      'eval instant at 3m mixed',
      '  mixed 4',
      '',
      'eval instant at 9m mixed',
      '',
      'eval instant at 1m histogram_count(f)',
      '',
      'load_with_nhcb 1m',
      '  x_bucket{le="1"} 1+1x2',
      '  x_bucket{le="+Inf"} 2+2x2',
      '',
      'eval instant at 1m x_bucket',
      '  x_bucket{le="1"} 2',
      '  x_bucket{le="+Inf"} 4',
      '',
      'eval instant at 1m x',
      '',
      'clear',
      '',
      'load 1m',
      '  h 5',
      '',
      'eval instant at 0 h',
      '  h 5',
    ]);
    expect(outcomes(r)).toEqual([
      [6, 'skipped'],
      [9, 'skipped'],
      [11, 'passed'],
      [14, 'skipped'],
      [17, 'passed'],
      [19, 'skipped'],
      [25, 'passed'],
      [29, 'skipped'],
      [36, 'passed'],
    ]);
    expect(r.results[1]?.reason).toBe('reads native histogram series {__name__="h"}');
    // Only what the query itself reads counts: at 1m the histogram sample at 2m is not in the lookback window.
    expect((await run(['load 1m', '  mixed 1 2 {{count:1}} 4', '', 'eval instant at 1m mixed', '  mixed 2'])).passed).toBe(1);
    expect(r.results[7]?.reason).toBe('reads native histogram series {__name__="x"}');
  });

  it('re-checks instant queries as range queries, as Prometheus does', async () => {
    const skewed: Engine = {
      instantQuery: fake.instantQuery,
      rangeQuery(q, text, start, end, step) {
        const res = fake.rangeQuery(q, text, start, end, step) as QueryResult;
        if (res.value.type !== 'matrix') return res;
        const matrix = res.value.matrix.map((s) => rangeSeries(s.metric, pointsOf(s).map((p) => ({ ...p, v: p.v + 1 }))));
        return { ...res, value: { type: 'matrix', matrix } };
      },
    };
    const r = await run([...LOAD, 'eval instant at 2m up{job="a"}', '  up{job="a"} 2', '', 'eval instant at 0 "x"', '  expect string "x"'], skewed);
    expect(failures(r)).toEqual([[6, 'range mode: expected 2 for {__name__="up", job="a"} but got 3']]);
    expect(r.passed).toBe(1);
  });

  it('reports malformed commands and engine crashes as failures and keeps going', async () => {
    const crashing: Engine = {
      ...fake,
      instantQuery(q, text, t) {
        if (text === 'crash') throw new TypeError('undefined is not a function');
        return fake.instantQuery(q, text, t);
      },
    };
    const r = await run([...LOAD, 'eval instant at never up', '', 'eval instant at 0 crash', '', 'eval instant at 0 up{job="a"}', '  up{job="a"} 0'], crashing);
    expect(outcomes(r)).toEqual([[6, 'failed'], [8, 'failed'], [10, 'passed']]);
    expect(r.results[0]?.reason).toMatch(/invalid timestamp "never"/);
    expect(r.results[1]?.reason).toMatch(/^engine error: TypeError: undefined is not a function/);
  });

  describe('files and directories', () => {
    const dir = tempDir('promqltest');
    afterAll(() => dir.remove());

    it('runs every .test file under a directory, sorted, with per-file and total counts', async () => {
      mkdirSync(join(dir.path, 'sub'));
      writeFileSync(join(dir.path, 'b.test'), ['load 1m', '  x 1', '', 'eval instant at 0 x', '  x 1', '', 'eval instant at 0 x', '  x 2'].join('\n'));
      writeFileSync(join(dir.path, 'a.test'), ['load 1m', '  x {{count:1}}', '', 'eval instant at 0 x'].join('\n'));
      writeFileSync(join(dir.path, 'sub', 'c.test'), 'eval instant at 0 1\n  1\n');
      writeFileSync(join(dir.path, 'notes.md'), 'not a test');
      expect(testFiles(dir.path).map((f) => f.slice(dir.path.length + 1))).toEqual(['a.test', 'b.test', join('sub', 'c.test')]);
      const seen: string[] = [];
      const total = await runPaths([dir.path], fake, (f) => seen.push(`${f.file.split('/').pop()}: ${f.passed}/${f.failed}/${f.skipped}`));
      expect(seen).toEqual(['a.test: 0/0/1', 'b.test: 1/1/0', 'c.test: 1/0/0']);
      expect(total).toMatchObject({ passed: 2, failed: 1, skipped: 1 });
      const failed = total.files[1]?.results.find((x) => x.outcome === 'failed');
      expect(failed).toMatchObject({ line: 7, command: 'eval instant at 0 x', reason: 'expected 2 for {__name__="x"} but got 1' });
      const b = total.files[1] as FileReport;
      expect(formatFileReport(b, false)).toBe(`FAIL ${b.file}:7: eval instant at 0 x\n       expected 2 for {__name__="x"} but got 1\n${b.file}: 1 passed, 1 failed, 0 skipped\n`);
      expect(formatFileReport(total.files[0] as FileReport, true)).toMatch(/^SKIP .*a\.test:4: eval instant at 0 x\n {7}reads native histogram series \{__name__="x"\}\n.*a\.test: 0 passed, 0 failed, 1 skipped\n$/);
      expect(formatFileReport(b, true)).toMatch(/^ok {3}.*b\.test:4: eval instant at 0 x\nFAIL/);
      expect(formatTotal(total)).toBe('total (3 files): 2 passed, 1 failed, 1 skipped\n');
    });

    it("is the CLI's promqltest command: --help, a missing path, and exit status 1 on a failure", async () => {
      const cli = fileURLToPath(new URL('../../cli/outpost.mjs', import.meta.url));
      const exec = async (...args: string[]) => promisify(execFile)(process.execPath, [cli, ...args]).catch((e: { code: number; stdout: string; stderr: string }) => e);
      const help = await exec('promqltest', '--help');
      expect(help.stdout).toContain('Usage: outpost promqltest [flags] [DIR_OR_FILE…]');
      expect(help.stdout).toContain('--verbose');
      expect((await exec('--help')).stdout).toContain('promqltest');
      const missing = await exec('promqltest', join(dir.path, 'nope'));
      expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('nope: no such file or directory') });
      const script = join(dir.path, 'cli.test');
      writeFileSync(script, ['load 1m', '  x 1+1x2', '', 'eval instant at 1m x', '  x 2', '', 'eval instant at 2m x', '  x 5', ''].join('\n'));
      const ran = await exec('promqltest', script);
      expect(ran).toMatchObject({ code: 1, stderr: expect.stringContaining('outpost promqltest: 1 eval failed') });
      expect(ran.stdout).toContain(`FAIL ${script}:7: eval instant at 2m x\n       expected 5 for {__name__="x"} but got 3\n`);
      expect(ran.stdout).toMatch(/cli\.test: 1 passed, 1 failed, 0 skipped\ntotal \(1 file\): 1 passed, 1 failed, 0 skipped\n$/);
    });
  });
});
