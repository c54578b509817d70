import { describe, expect, it } from 'vitest';
import { almostEqual, expectationMatches } from '../../promql/promqltest/compare.ts';
import { parseScript, type EvalCommand, type LoadCommand, type ScriptCommand } from '../../promql/promqltest/script.ts';
import { parseNumberLine, parseSequence, parseSeriesLine, type SeqValue } from '../../promql/promqltest/series-notation.ts';

const floats = (values: SeqValue[]) => values.map((v) => (v.kind === 'float' ? v.v : v.kind));
const evalAt = (cmds: ScriptCommand[], i: number) => cmds[i] as EvalCommand;

describe('expanding series notation', () => {
  it('expands a+bxN, a-bxN, axN, _xN and plain values', () => {
    expect(floats(parseSequence('1+2x3'))).toEqual([1, 3, 5, 7]);
    expect(floats(parseSequence('10-1x2 5x2'))).toEqual([10, 9, 8, 5, 5, 5]);
    expect(floats(parseSequence('-1-0.5x2 +3'))).toEqual([-1, -1.5, -2, 3]);
    expect(floats(parseSequence('_ _x2 stale 4'))).toEqual(['omitted', 'omitted', 'omitted', 'stale', 4]);
    expect(floats(parseSequence('0+1x0'))).toEqual([0]);
  });

  it('reads NaN, Inf, exponents, durations and multiple spaces', () => {
    const v = floats(parseSequence('  NaN  Inf -Inf +Inf inf 1e3 -2.5E-1 1.5e+2x1 .5 1m'));
    expect(v[0]).toBeNaN();
    expect(v.slice(1)).toEqual([Infinity, -Infinity, Infinity, Infinity, 1000, -0.25, 150, 150, 0.5, 60]);
    expect(floats(parseSequence('1e-3+1e-3x2'))).toEqual([0.001, 0.002, 0.003]);
  });

  it('keeps native histograms whole and counts their positions', () => {
    const v = parseSequence('1 {{schema:1 sum:3 count:22 buckets:[5 10 7]}} {{count:1}}+{{count:2}}x2 _');
    expect(v.map((x) => x.kind)).toEqual(['float', 'histogram', 'histogram', 'histogram', 'histogram', 'omitted']);
  });

  it('rejects malformed values', () => {
    expect(() => parseSequence('1+2')).toThrow(/needs xN/);
    expect(() => parseSequence('abc')).toThrow(/invalid series value/);
    expect(() => parseSequence('{{schema:1')).toThrow(/unterminated histogram/);
  });

  it('parses label sets with quoted values containing spaces, braces and escapes', () => {
    const a = parseSeriesLine(`http_requests{job="api server", version="{count:2, sum:1}", path='/a', q=\`x\\y\`} 1 2`);
    expect(a.labels).toEqual({ __name__: 'http_requests', job: 'api server', version: '{count:2, sum:1}', path: '/a', q: 'x\\y' });
    expect(floats(a.values)).toEqual([1, 2]);
    expect(parseSeriesLine('{} 1000')).toEqual({ labels: {}, values: [{ kind: 'float', v: 1000 }] });
    expect(parseSeriesLine('series inf').labels).toEqual({ __name__: 'series' });
    expect(parseSeriesLine('{"my.metric", "a.b"="c\\"d", e=""} 1').labels).toEqual({ __name__: 'my.metric', 'a.b': 'c"d' });
    expect(parseSeriesLine('up{job="a",} _').values).toEqual([{ kind: 'omitted' }]);
  });

  it('reads bare number lines as Go does', () => {
    expect(parseNumberLine('0x10')).toBe(16);
    expect(parseNumberLine('-Inf')).toBe(-Infinity);
    expect(parseNumberLine('NaN')).toBeNaN();
    expect(parseNumberLine('1.5e3')).toBe(1500);
    expect(parseNumberLine('foo')).toBeUndefined();
    expect(parseNumberLine('{} 1')).toBeUndefined();
  });
});

describe('script parsing', () => {
  it('parses load, clear and both eval forms with line numbers', () => {
    const cmds = parseScript(
      [
        '# comment',
        'load 5m',
        '  up{job="a"} 0+1x3',
        '  up{job="b"} 1 _ 2',
        '',
        'eval instant at 10m up',
        '  up{job="a"} 2',
        '',
        'eval range from 0 to 10m step 5m sum(up)',
        '  {} 1 1+1x1',
        '',
        'clear',
        'load_with_nhcb 1m',
        '  x_bucket{le="1"} 1',
      ].join('\n'),
    );
    expect(cmds.map((c) => [c.kind, c.line])).toEqual([['load', 2], ['eval', 6], ['eval', 9], ['clear', 12], ['load', 13]]);
    const load = cmds[0] as LoadCommand;
    expect(load.stepMs).toBe(300_000);
    expect(load.series.map((s) => s.line)).toEqual([3, 4]);
    expect(evalAt(cmds, 1)).toMatchObject({ range: false, start: 600_000, evalTime: 600_000, expr: 'up' });
    expect(evalAt(cmds, 2)).toMatchObject({ range: true, start: 0, end: 600_000, stepMs: 300_000, expr: 'sum(up)' });
    expect((cmds[4] as LoadCommand).withNhcb).toBe(true);
  });

  it('reads expect lines, including msg: and regex:', () => {
    const [cmd] = parseScript(
      ['eval instant at 1m foo', '  expect fail msg: something broke', '  expect warn regex: PromQL warning: a.*', '  expect no_info', '  expect ordered', '  foo 1'].join('\n'),
    ) as EvalCommand[];
    expect(cmd?.expects.fail).toEqual([{ message: 'something broke' }]);
    expect(cmd?.expects.warn[0]?.regex?.source).toBe('PromQL warning: a.*');
    expect(cmd?.expects.no_info).toEqual([{}]);
    expect(cmd?.expects.ordered).toHaveLength(1);
    expect(cmd?.expected.values().next().value).toMatchObject({ pos: 1, line: 6 });
  });

  it('reads the deprecated eval_* forms and expected_fail_* lines', () => {
    const cmds = parseScript(
      ['eval_fail instant at 0 a', '  expected_fail_message boom', '', 'eval_warn range from 0 to 1m step 1m b', '', 'eval_ordered instant at 0 c', '', 'eval_info instant at 0 d', '', 'eval_fail instant at 0 e', '  expected_fail_regexp bo+m'].join('\n'),
    ) as EvalCommand[];
    expect(cmds.map((c) => c.legacy)).toEqual([
      { fail: true, warn: false, info: false, ordered: false },
      { fail: false, warn: true, info: false, ordered: false },
      { fail: false, warn: false, info: false, ordered: true },
      { fail: false, warn: false, info: true, ordered: false },
      { fail: true, warn: false, info: false, ordered: false },
    ]);
    expect(cmds[0]?.legacyFail).toEqual({ message: 'boom' });
    expect(cmds[4]?.legacyFail?.regex?.test('booom')).toBe(true);
  });

  it('reads expect string, expect range vector and scalar results', () => {
    const cmds = parseScript(
      ['eval instant at 0 "Foo"', '  expect string `Foo`', '', 'eval instant at 1m x[1m]', '  expect range vector from 10s to 1m step 10s', '  x 1 2 3', '', 'eval instant at 0 1+1', '  2'].join('\n'),
    ) as EvalCommand[];
    expect(cmds[0]).toMatchObject({ expectedString: 'Foo', excludeFromRangeQuery: true });
    expect(cmds[1]).toMatchObject({ start: 10_000, end: 60_000, stepMs: 10_000, excludeFromRangeQuery: true, evalTime: 60_000 });
    expect(cmds[2]?.scalar).toBe(2);
  });

  it('turns malformed commands into errors at their line and keeps going', () => {
    const cmds = parseScript(
      ['frobnicate', '', 'eval instant at 1m foo', '  foo 1 2', '', 'eval instant at soon foo', '', 'eval instant at 0 x', '  expect warn', '  expect no_warn', '', 'load 1m', '  x{a=b} 1', '', 'eval instant at 0 ok'].join('\n'),
    );
    expect(cmds.map((c) => [c.kind, c.line])).toEqual([['error', 1], ['error', 4], ['error', 6], ['error', 10], ['error', 13], ['eval', 15]]);
    expect(cmds[1]).toMatchObject({ message: expect.stringMatching(/expect range vector/) });
  });

  it('ends a block at a comment line, as Prometheus does', () => {
    const cmds = parseScript(['eval instant at 0 foo', '  foo 1', '# note', '  bar 2'].join('\n'));
    expect(cmds.map((c) => c.kind)).toEqual(['eval', 'error']);
  });
});

describe('comparison helpers', () => {
  it('compares floats with a relative tolerance; NaN equals NaN', () => {
    expect(almostEqual(1, 1 + 1e-9)).toBe(true);
    expect(almostEqual(1, 1.001)).toBe(false);
    expect(almostEqual(NaN, NaN)).toBe(true);
    expect(almostEqual(0, 1e-300)).toBe(false);
    expect(almostEqual(Infinity, Infinity)).toBe(true);
    expect(almostEqual(Infinity, -Infinity)).toBe(false);
  });

  it('matches an annotation with its position, as Prometheus: the whole message, or the regex anywhere', () => {
    expect(expectationMatches({ message: 'PromQL warning: x (1:5)' }, 'PromQL warning: x (1:5)')).toBe(true);
    expect(expectationMatches({ message: 'PromQL warning: x (1:5)' }, 'PromQL warning: x')).toBe(false);
    expect(expectationMatches({ message: 'PromQL warning: x (1:5)' }, 'PromQL warning: x (1:6)')).toBe(false);
    expect(expectationMatches({ regex: /PromQL warning: got NaN \([0-9]+:[0-9]+\)/ }, 'PromQL warning: got NaN (2:3)')).toBe(true);
    expect(expectationMatches({ regex: /PromQL warning: got NaN \([0-9]+:[0-9]+\)/ }, 'PromQL warning: got NaN')).toBe(false);
    expect(expectationMatches({ regex: /needed .* \(1:21\)/ }, 'PromQL info: needed to be fixed for x (1:21)')).toBe(true);
    expect(expectationMatches({ regex: /other/ }, 'PromQL info: x')).toBe(false);
  });
});
