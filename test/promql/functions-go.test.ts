import { describe, expect, it } from 'vitest';
import { compareCodePoints, dropMetricName, durationSeconds, goFormatF, goFormatG, goQuote, parseGoFloat, rangeWindow } from '../../promql/functions/common.ts';
import { goExp } from '../../promql/functions/goexp.ts';
import { goSearch, goSort } from '../../promql/functions/gosort.ts';
import { compileAnchoredRegex, expandTemplate } from '../../promql/functions/labels.ts';
import { compareLabels, natsortLess } from '../../promql/functions/misc.ts';
import { Annotations } from '../../promql/value.ts';

// The Go behaviours Prometheus' output depends on, reproduced for JavaScript.

describe('Go number formatting and parsing', () => {
  it('%g as strconv.FormatFloat(f, g, -1, 64)', () => {
    const cases: [number, string][] = [
      [0, '0'], [-0, '-0'], [1, '1'], [-0.1, '-0.1'], [1.01, '1.01'], [123456, '123456'], [1e6, '1e+06'], [1234567, '1.234567e+06'],
      [0.0001, '0.0001'], [0.00001, '1e-05'], [1.5e300, '1.5e+300'], [2.5e-7, '2.5e-07'], [NaN, 'NaN'], [Infinity, '+Inf'], [-Infinity, '-Inf'],
    ];
    for (const [f, s] of cases) expect(goFormatG(f)).toBe(s);
    expect([goFormatF(1), goFormatF(-0.25), goFormatF(NaN), goFormatF(Infinity)]).toEqual(['1.000000', '-0.250000', 'NaN', '+Inf']);
  });
  it('strconv.ParseFloat accepts what Go accepts', () => {
    expect(['0.1', '.2', '1e0', '+Inf', '+inf', '-Infinity', 'NaN', '2.0e-1', '5.', '0x1p-2', '-0X1.8P1'].map(parseGoFloat)).toEqual([
      0.1, 0.2, 1, Infinity, Infinity, -Infinity, NaN, 0.2, 5, 0.25, -3,
    ]);
    for (const bad of ['', ' 1', '1 ', 'Hello World', '1e', '0x10', '1_000', '+nan', '1e400', '.', 'e5']) expect(parseGoFloat(bad)).toBeUndefined();
  });
  it('%q as strconv.Quote', () => {
    expect(goQuote('Hello World')).toBe('"Hello World"');
    expect(goQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(goQuote('\n\t\x01\x7f\u00a0é😀')).toBe('"\\n\\t\\x01\\x7f\\u00a0é😀"');
  });
  it('Duration.Seconds()', () => {
    expect([durationSeconds(300_000), durationSeconds(1001), durationSeconds(15 * 60_000 + 1000)]).toEqual([300, 1.001, 901]);
  });
});

describe('Go sorting', () => {
  it('sorts like any correct sort under a total order, for all sizes', () => {
    for (const n of [0, 1, 2, 7, 12, 13, 49, 50, 51, 200, 1000]) {
      const data = Array.from({ length: n }, (_, i) => ((i * 7919) % 101) + (i % 3) / 10);
      const want = [...data].sort((a, b) => a - b);
      goSort(data, (a, b) => a < b);
      expect(data).toEqual(want);
    }
    const desc = Array.from({ length: 300 }, (_, i) => i);
    goSort(desc, (a, b) => a > b);
    expect(desc[0]).toBe(299);
  });
  it('is stable below 13 elements (insertion sort), as Go', () => {
    const items = [3, 1, 3, 2, 1, 3].map((v, i) => ({ v, i }));
    goSort(items, (a, b) => a.v < b.v);
    expect(items.map((x) => x.i)).toEqual([1, 4, 3, 0, 2, 5]);
  });
  it('sort.Search', () => {
    expect(goSearch(10, (i) => i >= 4)).toBe(4);
    expect(goSearch(10, () => false)).toBe(10);
    expect(goSearch(0, () => true)).toBe(0);
  });
});

describe('natsort and label comparison', () => {
  it('natsort.Compare at 2cd4dd1, quirks included', () => {
    expect(natsortLess('cpu2', 'cpu10')).toBe(true);
    expect(natsortLess('cpu10', 'cpu2')).toBe(false);
    expect(natsortLess('1.2.3', '1.11.3')).toBe(true);
    expect(natsortLess('4m5', '4m600')).toBe(true);
    expect(natsortLess('a', 'a')).toBe(true);
    expect(natsortLess('', 'x')).toBe(false);
    expect(natsortLess('x', '')).toBe(false);
    expect(natsortLess('a1', 'a1b')).toBe(true);
    expect(natsortLess('99999999999999999999', '100000000000000000000')).toBe(false); // overflows Atoi: byte order
  });
  it('labels.Compare and byte order', () => {
    expect(compareLabels({ a: '1' }, { a: '1', b: '2' })).toBeLessThan(0);
    expect(compareLabels({ a: '2' }, { a: '1', b: '2' })).toBeGreaterThan(0);
    expect(compareLabels({ b: '1' }, { a: '1', c: '2' })).toBeGreaterThan(0);
    expect(compareCodePoints('\uffff', '😀')).toBeLessThan(0);
  });
});

describe('regular expressions and templates', () => {
  it('RE2 syntax accepted, anchored, dot matching newlines', () => {
    expect(compileAnchoredRegex('a.c')?.test('a\nc')).toBe(true);
    expect(compileAnchoredRegex('b')?.test('abc')).toBe(false);
    expect(compileAnchoredRegex('(?i)abc')?.test('ABC')).toBe(true);
    expect(compileAnchoredRegex('\\_x')?.test('_x')).toBe(true);
    for (const bad of ['(.*', '(?=a)', 'a\\1', '[']) expect(compileAnchoredRegex(bad)).toBeUndefined();
  });
  it('regexp.Expand', () => {
    const m = /^(?<first>a)(b)?(c)$/.exec('ac') as RegExpExecArray;
    expect(expandTemplate('$1|$2|$3|${first}|$first|$0|$$|$|$4|${1}x|$1x|$01', m)).toBe('a||c|a|a|ac|$|$||ax||');
  });
});

describe('engine contract helpers', () => {
  it('dropMetricName removes __name__, __type__ and __unit__ only', () => {
    const l = { __name__: 'x', __type__: 'counter', __unit__: 's', a: '1' };
    expect(dropMetricName(l)).toEqual({ a: '1' });
    const plain = { a: '1' };
    expect(dropMetricName(plain)).toBe(plain);
  });
  it('rangeWindow: offset and @ of matrix selectors and subqueries', () => {
    const ctx = (e: unknown) => ({ t: 600_000, annotations: new Annotations(), argExprs: [e as never] });
    const selector = { kind: 'vector_selector', matchers: [], offsetMs: 60_000 };
    expect(rangeWindow(ctx({ kind: 'matrix_selector', rangeMs: 300_000, selector }), 0)).toEqual({ start: 240_000, end: 540_000, rangeMs: 300_000 });
    const at = { ...selector, at: { kind: 'time', ms: 1_000_000 } };
    expect(rangeWindow(ctx({ kind: 'paren', expr: { kind: 'matrix_selector', rangeMs: 300_000, selector: at } }), 0).end).toBe(940_000);
    expect(rangeWindow(ctx({ kind: 'subquery', expr: selector, rangeMs: 120_000, offsetMs: 0 }), 0)).toEqual({ start: 480_000, end: 600_000, rangeMs: 120_000 });
    expect(() => rangeWindow(ctx({ kind: 'number', value: 1 }), 0)).toThrow();
  });
  it('goExp as amd64 Go: overflow by exponent, subnormals, special values', () => {
    expect([goExp(0), goExp(-Infinity), goExp(Infinity), goExp(710), goExp(-745.2), goExp(-740)]).toEqual([1, 0, Infinity, Infinity, 0, 4.2e-322]);
    expect(goExp(NaN)).toBeNaN();
    expect(goExp(1)).toBe(2.718281828459045);
  });
});
