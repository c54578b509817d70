import { describe, expect, it } from 'vitest';
import { aggregate } from '../../promql/aggregate.ts';
import { formatFloatF, formatFloatG, goQuote, goSort } from '../../promql/aggregate-go.ts';
import { labelsHash, sampleOffset, xxhash64 } from '../../promql/aggregate-hash.ts';
import { Annotations } from '../../promql/value.ts';

/*
 * Expected values below were produced by Go itself (go1.19's sort with the xorshift of current Go, container/heap,
 * strconv, fmt; topk/bottomk/limitk/quantile loops as promql/engine.go writes them) and by libxxhash 0.8.1.
 */

const num = (s: string): number => (s === '+Inf' ? Infinity : s === '-Inf' ? -Infinity : Number(s));

// Ties and NaN, 33 values: long enough for pdqsort to partition and to scatter elements (breakPatterns).
const TIES = 'NaN 0 0 0 0 0 0 0 0 0 0 +Inf 0 0 0 0 0 +Inf 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0'.split(' ').map(num);
const SMALL = '0 2 2 0 1 1 1 0 0 0 0 0 1 1 0'.split(' ').map(num);

const byValue = (a: { v: number }, b: { v: number }) => Number.isNaN(a.v) || a.v < b.v;
function sortedIds(values: number[], less: typeof byValue): number[] {
  const items = values.map((v, id) => ({ v, id }));
  goSort(items, less);
  return items.map((x) => x.id);
}

function kIds(op: 'topk' | 'bottomk' | 'limitk', values: number[], k: number): number[] {
  const vector = values.map((v, id) => ({ metric: { id: String(id) }, point: { t: 0, v } }));
  const out = aggregate({ op, vector, param: k, grouping: [], without: false, t: 0, annotations: new Annotations() });
  return out.map((s) => Number(s.metric.id));
}

describe("Go's sort.Sort and container/heap, as topk and bottomk leave ties", () => {
  it('sorts 33 tied values exactly as sort.Sort and sort.Sort(sort.Reverse(…))', () => {
    expect(sortedIds(TIES, byValue)).toEqual([0, 16, 23, 3, 4, 5, 6, 7, 8, 32, 10, 31, 12, 13, 14, 2, 18, 9, 1, 19, 20, 21, 22, 15, 24, 25, 26, 27, 28, 29, 30, 11, 17]);
    expect(sortedIds(TIES, (a, b) => byValue(b, a))).toEqual([11, 17, 16, 18, 4, 5, 6, 7, 8, 9, 10, 2, 12, 13, 14, 15, 3, 32, 20, 19, 1, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 0]);
    expect(sortedIds(SMALL, byValue)).toEqual([9, 7, 14, 3, 11, 8, 0, 10, 6, 5, 4, 12, 13, 1, 2]);
  });

  it('keeps and orders the same series as aggregationK', () => {
    expect(kIds('topk', TIES, 35)).toEqual([17, 11, 16, 18, 4, 5, 6, 7, 8, 9, 10, 23, 12, 13, 14, 15, 3, 32, 20, 19, 2, 21, 22, 1, 24, 25, 26, 27, 28, 29, 30, 31, 0]);
    expect(kIds('bottomk', TIES, 35)).toEqual([16, 8, 32, 1, 4, 2, 6, 7, 3, 9, 10, 5, 12, 13, 14, 15, 31, 18, 30, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 17, 11, 0]);
    expect(kIds('limitk', TIES, 35)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 23, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 11, 24, 25, 26, 27, 28, 29, 30, 31, 32]);
    expect(kIds('topk', SMALL, 6)).toEqual([1, 2, 12, 6, 5, 4]);
    expect(kIds('bottomk', SMALL, 6)).toEqual([10, 7, 9, 3, 0, 8]);
    expect(kIds('limitk', SMALL, 6)).toEqual([0, 3, 5, 1, 4, 2]);
  });
});

describe("Go's float formatting", () => {
  it.each([
    [1e21, '1000000000000000000000'],
    [1.5e-7, '0.00000015'],
    [123.456, '123.456'],
    [-0, '-0'],
    [0, '0'],
    [-2.5e25, '-25000000000000000000000000'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [5e-324, `0.${'0'.repeat(323)}5`],
  ])("strconv.FormatFloat(%s, 'f', -1, 64) = %s", (v, text) => expect(formatFloatF(v)).toBe(text));

  it.each([
    [1.1, '1.1'],
    [1e6, '1e+06'],
    [123456, '123456'],
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [-9223372036854775808, '-9.223372036854776e+18'],
    [1.5e300, '1.5e+300'],
    [-Infinity, '-Inf'],
  ])('%%g of %s = %s', (v, text) => expect(formatFloatG(v)).toBe(text));

  it('quotes like strconv.Quote', () => {
    expect(goQuote('a"b\\c\n\x01')).toBe('"a\\"b\\\\c\\n\\x01"');
    expect(goQuote('Åz😀')).toBe('"Åz😀"');
  });
});

describe('labels.Hash for limit_ratio', () => {
  it('is XXH64 with seed 0', () => {
    const hash = (s: string) => xxhash64(new TextEncoder().encode(s));
    expect(hash('')).toBe(0xef46db3751d8e999n);
    expect(hash('a')).toBe(0xd24ec4f1a98c6e5bn);
    expect(hash('abc')).toBe(0x44bc2cf5ad770999n);
    expect(hash('The quick brown fox jumps over the lazy dog')).toBe(0x0b242d361fda71bcn);
  });

  it('hashes the stringlabels encoding: sorted names, each string prefixed by its length', () => {
    const labels = { group: 'canary', __name__: 'http_requests' };
    expect(labelsHash(labels)).toBe(0x9210ff155d481858n);
    const long = 'x'.repeat(300);
    const bytes = Uint8Array.from([1, 0x61, 255, 300 & 0xff, 300 >> 8, 0, ...new TextEncoder().encode(long)]);
    expect(labelsHash({ a: long })).toBe(xxhash64(bytes));
    expect(sampleOffset(labels)).toBe(Number(0x9210ff155d481858n) / 2 ** 64);
  });
});
