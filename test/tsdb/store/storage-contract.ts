import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../../../aggregator/store/storage.ts';
import { buildBatch, type CollectedSample } from '../../../protocol/batch.ts';
import { makeMatcher, type Matcher } from '../../../promql/matcher.ts';
import { parseSeriesSelector } from '../../../promql/selector.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { samplesOf } from '../../../promql/columns.ts';

export const T = 1_700_000_000_000;
export const sel = (q: string): Matcher[] => [...parseSeriesSelector(q)];
const up = (job: string, instance = 'h1') => ({ __name__: 'up', job, instance });

/** Samples of the series a query selects, a stale marker written as 'stale'. */
export function dump(s: Storage, query: string, mint = 0, maxt = Number.MAX_SAFE_INTEGER) {
  return [...s.select(sel(query), mint, maxt)].map((x) => ({
    labels: x.labels,
    samples: samplesOf(x).map((p) => (p.stale ? [p.t, 'stale'] : [p.t, p.v])),
  }));
}

/**
 * The behaviour every Storage implementation must show; each implementation's test file runs it with its opener.
 * `open` gets a fresh directory per test, and the same one again on reopen.
 */
export function storageContract(name: string, openAt: (path: string) => Promise<Storage>) {
  describe(`${name} (Storage contract)`, () => {
    let dir: ReturnType<typeof tempDir>;
    let store: Storage | undefined;

    async function open(): Promise<Storage> {
      store = await openAt(dir.path);
      return store;
    }

    async function reopen(): Promise<Storage> {
      await store?.close();
      store = undefined;
      return open();
    }

    beforeEach(() => {
      dir = tempDir('store');
    });

    afterEach(async () => {
      await store?.close();
      store = undefined;
      dir.remove();
    });

    it('stores a batch and reports samples and new series', async () => {
      const s = await open();
      const out = await s.appendBatch(
        buildBatch('a1', 1, [
          { labels: up('node'), v: 1, t: T },
          { labels: up('db'), v: 0, t: T },
          { labels: up('node'), v: 1, t: T + 15_000 },
        ]),
      );
      expect(out).toEqual({ status: 'stored', samples: 3, newSeries: 2, tooOld: 0, seriesLimited: 0 });
      expect(dump(s, 'up{job="node"}')).toEqual([{ labels: up('node'), samples: [[T, 1], [T + 15_000, 1]] }]);
      const again = await s.appendBatch(buildBatch('a1', 2, [{ labels: { instance: 'h1', job: 'db', __name__: 'up' }, v: 1, t: T + 15_000 }]));
      expect(again).toEqual({ status: 'stored', samples: 1, newSeries: 0, tooOld: 0, seriesLimited: 0 });
    });

    it('treats the same (agent, seq) as a duplicate and writes nothing', async () => {
      const s = await open();
      await s.appendBatch(buildBatch('a1', 7, [{ labels: up('node'), v: 1, t: T }]));
      const resend = buildBatch('a1', 7, [
        { labels: up('node'), v: 42, t: T },
        { labels: up('new'), v: 1, t: T + 1 },
      ]);
      expect(await s.appendBatch(resend)).toEqual({ status: 'duplicate', samples: 0, newSeries: 0, tooOld: 0, seriesLimited: 0 });
      expect(dump(s, 'up')).toEqual([{ labels: up('node'), samples: [[T, 1]] }]);
      expect(s.labelValues('job', [])).toEqual(['node']);
      expect([s.hasBatch('a1', 7), s.hasBatch('a1', 8), s.hasBatch('a2', 7)]).toEqual([true, false, false]);
    });

    it('remembers batches and series across close and reopen', async () => {
      let s = await open();
      await s.appendBatch(buildBatch('a1', 3, [{ labels: up('node'), v: 1, t: T }]));
      s = await reopen();
      expect(await s.appendBatch(buildBatch('a1', 3, [{ labels: up('node'), v: 9, t: T }]))).toMatchObject({ status: 'duplicate' });
      expect(await s.appendBatch(buildBatch('a1', 4, [
        { labels: up('node'), v: 2, t: T + 1 },
        { labels: up('web'), v: 3, t: T + 1 },
      ]))).toEqual({ status: 'stored', samples: 2, newSeries: 1, tooOld: 0, seriesLimited: 0 });
      s = await reopen();
      expect(dump(s, 'up')).toEqual([
        { labels: up('node'), samples: [[T, 1], [T + 1, 2]] },
        { labels: up('web'), samples: [[T + 1, 3]] },
      ]);
    });

    it('dedupes per agent: two agents with the same seq are both stored', async () => {
      const s = await open();
      expect((await s.appendBatch(buildBatch('a1', 1, [{ labels: up('x', 'a1'), v: 1, t: T }]))).status).toBe('stored');
      expect((await s.appendBatch(buildBatch('a2', 1, [{ labels: up('x', 'a2'), v: 2, t: T }]))).status).toBe('stored');
      expect((await s.appendBatch(buildBatch('a2', 1, [{ labels: up('x', 'a2'), v: 3, t: T }]))).status).toBe('duplicate');
      expect(dump(s, 'up').map((x) => [x.labels.instance, x.samples])).toEqual([
        ['a1', [[T, 1]]],
        ['a2', [[T, 2]]],
      ]);
    });

    it('selects samples in (mint, maxt], ascending, whatever order they arrived in', async () => {
      const s = await open();
      const collected: CollectedSample[] = [5, 1, 4, 2, 3].map((i) => ({ labels: up('node'), v: i * 10, t: T + i * 1000 }));
      await s.appendBatch(buildBatch('a1', 1, collected));
      await s.appendBatch(buildBatch('a1', 2, [{ labels: up('node'), v: 0, t: T }]));
      expect(dump(s, 'up', T + 1000, T + 4000)[0]?.samples).toEqual([[T + 2000, 20], [T + 3000, 30], [T + 4000, 40]]);
      expect(dump(s, 'up', T - 1, T)[0]?.samples).toEqual([[T, 0]]);
      expect(dump(s, 'up', T + 5000, T + 9000)).toEqual([]);
      expect(dump(s, 'up')[0]?.samples.map((x) => x[0])).toEqual([0, 1, 2, 3, 4, 5].map((i) => T + i * 1000));
    });

    it('keeps values exactly and brings stale markers back as stale, distinct from NaN', async () => {
      const s = await open();
      await s.appendBatch(
        buildBatch('a1', 1, [
          { labels: up('node'), v: 1.5, t: T },
          { labels: up('node'), v: NaN, t: T + 1 },
          { labels: up('node'), v: 0, t: T + 2, stale: true },
          { labels: up('node'), v: 1e308, t: T + 3 },
          { labels: up('node'), v: -Infinity, t: T + 4 },
          { labels: up('node'), v: 5e-324, t: T + 5 },
        ]),
      );
      const [series] = [...s.select(sel('up'), 0, T + 10)];
      expect(series && samplesOf(series).map((p) => p.stale)).toEqual([false, false, true, false, false, false]);
      expect(series && samplesOf(series).map((p) => p.v)).toEqual([1.5, NaN, NaN, 1e308, -Infinity, 5e-324]);
    });

    it('answers label names and values, all or by selector, sorted and without empty values', async () => {
      const s = await open();
      await s.appendBatch(
        buildBatch('a1', 1, [
          { labels: up('node'), v: 1, t: T },
          { labels: { __name__: 'node_load1', job: 'node', zone: 'b' }, v: 0.5, t: T },
          { labels: { __name__: 'http_total', job: 'api', code: '200' }, v: 7, t: T },
        ]),
      );
      expect(s.labelNames([])).toEqual(['__name__', 'code', 'instance', 'job', 'zone']);
      expect(s.labelNames([sel('up')])).toEqual(['__name__', 'instance', 'job']);
      expect(s.labelNames([sel('up'), sel('{zone="b"}')])).toEqual(['__name__', 'instance', 'job', 'zone']);
      expect(s.labelNames([sel('nothing')])).toEqual([]);
      expect(s.labelValues('__name__', [])).toEqual(['http_total', 'node_load1', 'up']);
      expect(s.labelValues('job', [])).toEqual(['api', 'node']);
      expect(s.labelValues('job', [sel('{code=~"2.."}')])).toEqual(['api']);
      expect(s.labelValues('zone', [[makeMatcher('=', 'job', 'node')]])).toEqual(['b']);
      expect(s.labelValues('missing', [])).toEqual([]);
    });

    it('lists series sorted by labels and keeps those with a sample (a stale marker too) in [mint, maxt]', async () => {
      const s = await open();
      await s.appendBatch(
        buildBatch('a1', 1, [
          { labels: up('web'), v: 1, t: T },
          { labels: up('db'), v: 0, t: T + 10, stale: true },
          { labels: { __name__: 'old', Zone: 'a' }, v: 2, t: -5_000 },
          { labels: up('node'), v: 1, t: T + 20 },
          { labels: up('node'), v: 1, t: T + 40 },
        ]),
      );
      const all = [sel('{__name__=~".+"}')];
      const old = { __name__: 'old', Zone: 'a' };
      // Byte order: "Zone" < "__name__", so that series leads although its name sorts last.
      expect(s.series(all)).toEqual([old, up('db'), up('node'), up('web')]);
      expect(s.series([])).toEqual(s.series(all));
      expect(s.series([sel('up{job="web"}'), sel('{job=~"w.*"}')])).toEqual([up('web')]);
      const within = (mint: number, maxt: number) => s.series(all, { mint, maxt }).map((l) => l.job ?? l.__name__);
      expect(within(T, T)).toEqual(['web']);
      expect(within(T + 10, T + 10)).toEqual(['db']);
      expect(within(T + 21, T + 39)).toEqual([]);
      expect(within(T + 21, T + 40)).toEqual(['node']);
      expect(within(T + 1, T)).toEqual([]);
      expect(within(-9_223_309_901_257_974_000, -1)).toEqual(['old']);
      expect(within(0, 9_223_309_901_257_975_000)).toEqual(['db', 'node', 'web']);
      expect(s.labelNames(all, { mint: -10_000, maxt: 0 })).toEqual(['Zone', '__name__']);
      expect(s.labelNames([sel('up')], { mint: T + 11, maxt: T + 100 })).toEqual(['__name__', 'instance', 'job']);
      expect(s.labelValues('job', [], { mint: T, maxt: T + 10 })).toEqual(['db', 'web']);
      expect(s.labelValues('job', [sel('{job!="web"}')], { mint: T, maxt: T + 10 })).toEqual(['db']);
    });

    it('stores unnumbered samples with appendSamples, every call, without dedupe records', async () => {
      const s = await open();
      const series = [up('rw', 'p1'), { __name__: 'temp', room: 'a' }];
      const samples = [
        { series: 0, t: T, v: 1, stale: false },
        { series: 1, t: T, v: 20.5, stale: false },
        { series: 1, t: T + 1000, v: 21, stale: false },
      ];
      expect(await s.appendSamples('prometheus', series, samples)).toEqual({ status: 'stored', samples: 3, newSeries: 2, tooOld: 0, seriesLimited: 0 });
      expect(await s.appendSamples('prometheus', series, [{ series: 1, t: T + 2000, v: 22, stale: true }])).toEqual({
        status: 'stored',
        samples: 1,
        newSeries: 0,
        tooOld: 0,
        seriesLimited: 0,
      });
      expect(dump(s, 'temp')).toEqual([{ labels: { __name__: 'temp', room: 'a' }, samples: [[T, 20.5], [T + 1000, 21], [T + 2000, 'stale']] }]);
      expect(s.hasBatch('prometheus', 0)).toBe(false);
    });

    it('keeps the later of two writes to one timestamp, within a batch and across batches and reopens', async () => {
      let s = await open();
      await s.appendBatch(
        buildBatch('a1', 1, [
          { labels: up('node'), v: 1, t: T },
          { labels: up('node'), v: 2, t: T + 1000 },
          { labels: up('node'), v: 3, t: T + 1000 },
        ]),
      );
      await s.appendBatch(buildBatch('a1', 2, [{ labels: up('node'), v: 4, t: T }]));
      await s.appendBatch(buildBatch('a1', 3, [{ labels: up('node'), v: 0, t: T + 1000, stale: true }]));
      const expected = [{ labels: up('node'), samples: [[T, 4], [T + 1000, 'stale']] }];
      expect(dump(s, 'up')).toEqual(expected);
      s = await reopen();
      expect(dump(s, 'up')).toEqual(expected);
    });
  });
}
