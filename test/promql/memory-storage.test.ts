import { describe, expect, it } from 'vitest';
import { makeMatcher } from '../../promql/matcher.ts';
import { memoryStorage } from '../../promql/memory-storage.ts';
import { samplesOf } from '../../promql/columns.ts';

const eq = (name: string, value: string) => makeMatcher('=', name, value);
const all = (s: ReturnType<typeof memoryStorage>, matchers = [makeMatcher('=~', '__name__', '.+')], mint = -Infinity, maxt = Infinity) =>
  [...s.select(matchers, mint, maxt)].map((x) => ({ labels: x.labels, samples: samplesOf(x) }));

describe('memoryStorage', () => {
  it('returns series sorted by labels and samples sorted by time, whatever the append order', () => {
    const s = memoryStorage();
    s.append({ __name__: 'up', job: 'b' }, 2000, 2);
    s.append({ job: 'a', __name__: 'up' }, 3000, 3);
    s.append({ __name__: 'up', job: 'a' }, 1000, 1);
    s.append({ __name__: 'up', job: 'a', zone: 'x' }, 1000, 9);
    s.append({ __name__: 'node', job: 'a' }, 1000, 5);
    s.append({ __name__: 'up', job: 'a' }, 2000, 1.5);
    const got = all(s);
    expect(got.map((x) => x.labels)).toEqual([
      { __name__: 'node', job: 'a' },
      { __name__: 'up', job: 'a' },
      { __name__: 'up', job: 'a', zone: 'x' },
      { __name__: 'up', job: 'b' },
    ]);
    expect(got[1]?.samples.map((x) => x.t)).toEqual([1000, 2000, 3000]);
    expect(s.seriesCount).toBe(4);
  });

  it('sorts label names as Prometheus does (uppercase before __name__)', () => {
    const s = memoryStorage();
    s.append({ __name__: 'a', A: '1' }, 1, 1);
    s.append({ __name__: 'a' }, 1, 1);
    s.append({ __name__: 'b' }, 1, 1);
    expect(all(s).map((x) => x.labels)).toEqual([{ __name__: 'a', A: '1' }, { __name__: 'a' }, { __name__: 'b' }]);
  });

  it('selects by matchers and the half-open range (mint, maxt]', () => {
    const s = memoryStorage();
    for (let t = 0; t <= 10; t++) s.append({ __name__: 'x', i: String(t % 2) }, t * 1000, t);
    const got = all(s, [eq('__name__', 'x'), eq('i', '0')], 2000, 6000);
    expect(got).toHaveLength(1);
    expect(got[0]?.samples.map((x) => x.t)).toEqual([4000, 6000]);
    expect(all(s, [makeMatcher('=~', 'i', '1')], 9000, 20_000)).toEqual([]);
    expect(all(s, [eq('__name__', 'y')])).toEqual([]);
    expect(all(s, [makeMatcher('!=', '__name__', 'y'), eq('i', '1')], 8000, 9000)[0]?.samples).toEqual([{ t: 9000, v: 9, stale: false }]);
  });

  it('keeps staleness markers, replaces a sample at the same time, drops empty labels', () => {
    const s = memoryStorage();
    s.append({ __name__: 'x', empty: '' }, 1000, 1);
    s.append({ __name__: 'x' }, 2000, 0, true);
    s.append({ __name__: 'x' }, 1000, 7);
    const [series] = all(s);
    expect(series?.labels).toEqual({ __name__: 'x' });
    expect(series?.samples[0]).toEqual({ t: 1000, v: 7, stale: false });
    expect(series?.samples[1]?.stale).toBe(true);
    expect(series?.samples[1]?.v).toBeNaN();
  });

  it('clears and truncates', () => {
    const s = memoryStorage();
    s.append({ __name__: 'a' }, 1000, 1);
    s.append({ __name__: 'a' }, 5000, 5);
    s.append({ __name__: 'b' }, 1000, 1);
    s.truncateBefore(5000);
    expect(all(s).map((x) => [x.labels.__name__, x.samples.map((p) => p.t)])).toEqual([['a', [5000]]]);
    expect(s.seriesCount).toBe(1);
    s.append({ __name__: 'b' }, 6000, 1);
    expect(all(s, [eq('__name__', 'b')])).toHaveLength(1);
    s.clear();
    expect(all(s)).toEqual([]);
    expect(s.seriesCount).toBe(0);
  });

  it('answers a narrow select over many samples quickly', () => {
    const s = memoryStorage();
    for (let t = 0; t < 200_000; t++) s.append({ __name__: 'big' }, t * 1000, t);
    const start = performance.now();
    for (let i = 0; i < 10_000; i++) all(s, [eq('__name__', 'big')], i * 1000, i * 1000 + 300_000);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
