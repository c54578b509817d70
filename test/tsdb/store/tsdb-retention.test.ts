import { describe, expect, it } from 'vitest';
import { dump, T } from './storage-contract.ts';
import { checkStore } from './tsdb-consistency.ts';
import { run, useTsdbFixture } from './tsdb-fixture.ts';

const temp = (room = 'a') => ({ __name__: 'temp', room });
const H = 3_600_000;
const DAY = 24 * H;

describe('openTsdbStore: samples refused as too old', () => {
  const f = useTsdbFixture();

  it('refuses samples beyond the out-of-order window behind their series, or older than the retention, and counts them', async () => {
    const s = await f.open({ outOfOrderWindowMs: H, retentionMs: 7 * DAY });
    await f.send([{ labels: temp('a'), t: T, v: 1 }]);
    const outcome = await f.send([
      { labels: temp('a'), t: T - 2 * H, v: 2 }, // behind its series by more than the window
      { labels: temp('a'), t: T - H / 2, v: 3 },
      { labels: temp('a'), t: T - H, v: 4 }, // exactly the window: still accepted, as in Prometheus
      { labels: temp('b'), t: T - 8 * DAY, v: 5 }, // past the retention: the series is not even created
      { labels: temp('c'), t: T - 6 * DAY, v: 6 }, // a new series may start anywhere in the retention
      { labels: temp('c'), t: T - 6 * DAY - 2 * H, v: 7 },
    ]);
    expect(outcome).toEqual({ status: 'stored', samples: 3, newSeries: 1, tooOld: 3, seriesLimited: 0 });
    expect(s.counters.samplesTooOld).toBe(3);
    expect(s.labelValues('room', [])).toEqual(['a', 'c']);
    expect(dump(s, 'temp{room="a"}', 0, 2 * T)[0]?.samples).toEqual([[T - H, 4], [T - H / 2, 3], [T, 1]]);
    expect(await s.appendSamples('prometheus', [temp('a')], [{ series: 0, t: T - 3 * H, v: 1, stale: false }])).toMatchObject({ samples: 0, tooOld: 1 });
  });
});

describe('openTsdbStore: series limit per source', () => {
  const f = useTsdbFixture();

  it('refuses new series beyond the limit, counted and logged once, keeping existing series and other sources', async () => {
    const s = await f.open({ maxSeriesPerSource: 2 });
    const out = await f.send([...run(temp('a'), 2, T, 1000, () => 1), ...run(temp('b'), 2, T, 1000, () => 1), ...run(temp('c'), 2, T, 1000, () => 1)]);
    expect(out).toEqual({ status: 'stored', samples: 4, newSeries: 2, tooOld: 0, seriesLimited: 2 });
    expect(await f.send([{ labels: temp('d'), t: T + 5000, v: 1 }, { labels: temp('a'), t: T + 5000, v: 2 }])).toMatchObject({ samples: 1, seriesLimited: 1 });
    // Another source has its own budget, and a series it created is no longer new to anyone.
    expect(await f.send([{ labels: temp('c'), t: T, v: 9 }], 'a2')).toMatchObject({ samples: 1, newSeries: 1, seriesLimited: 0 });
    expect(await f.send([{ labels: temp('c'), t: T + 1000, v: 8 }])).toMatchObject({ samples: 1, seriesLimited: 0 });
    expect(await s.appendSamples('rw', [temp('x'), temp('y'), temp('z')], [0, 1, 2].map((i) => ({ series: i, t: T, v: i, stale: false })))).toMatchObject({
      samples: 2,
      seriesLimited: 1,
    });
    expect(s.counters.samplesSeriesLimited).toBe(4);
    expect(s.labelValues('room', [])).toEqual(['a', 'b', 'c', 'x', 'y']);
    expect(dump(s, 'temp{room="a"}')[0]?.samples).toEqual([[T, 1], [T + 1000, 1], [T + 5000, 2]]);
    expect(f.lines.filter((l) => l.includes('limit')).map((l) => l.split(' ')[0])).toEqual(['a1', 'rw']);
  });

  it('gives room again when retention removes a series, and logs a new episode', async () => {
    const s = await f.open({ maxSeriesPerSource: 2, retentionMs: DAY });
    await f.send([{ labels: temp('old'), t: T - 20 * H, v: 1 }, { labels: temp('a'), t: T, v: 1 }, { labels: temp('b'), t: T, v: 1 }]);
    f.clock = T + 5 * H;
    await s.maintain();
    expect(s.labelValues('room', [])).toEqual(['a']);
    expect(await f.send([{ labels: temp('b'), t: T + 5 * H, v: 1 }, { labels: temp('c'), t: T + 5 * H, v: 1 }])).toMatchObject({ newSeries: 1, seriesLimited: 1 });
    expect(f.lines.filter((l) => l.includes('limit'))).toHaveLength(2);
  });
});

describe('openTsdbStore: retention', () => {
  const f = useTsdbFixture();

  it('deletes whole chunks older than the retention time, and series left empty with their postings', async () => {
    let s = await f.open({ retentionMs: DAY });
    await f.send(run(temp('old'), 240, T - 20 * H, 15_000, (i) => i));
    await f.send(run(temp('mixed'), 1200, T - 20 * H, 60_000, (i) => i));
    await s.maintain();
    expect(s.status(10).headStats.numSeries).toBe(2);
    // Nine hours later the cutoff is T - 15 h: all of "old", and the first 4-hour chunk of "mixed", are older.
    f.clock = T + 9 * H;
    await s.maintain();
    expect(s.counters.chunksDeleted).toBeGreaterThanOrEqual(1);
    expect(s.labelValues('room', [])).toEqual(['mixed']);
    expect(s.series([])).toEqual([temp('mixed')]);
    const mixed = dump(s, 'temp', 0, 2 * T)[0]?.samples ?? [];
    expect(mixed[0]).toEqual([T - 20 * H + 240 * 60_000, 240]);
    expect(mixed).toHaveLength(960);
    const status = s.status(10);
    expect(status.headStats).toMatchObject({ numSeries: 1, minTime: T - 20 * H + 240 * 60_000, maxTime: T - 20 * H + 1199 * 60_000 });
    expect(status.seriesCountByLabelValuePair).toEqual([
      { name: '__name__=temp', value: 1 },
      { name: 'room=mixed', value: 1 },
    ]);
    // Two days on, everything is gone, dedupe records too: a resend of the first batch is refused as too old.
    f.clock = T + 3 * DAY;
    await s.maintain();
    expect(s.series([])).toEqual([]);
    expect(s.hasBatch('a1', 1)).toBe(false);
    expect(await f.send(run(temp('old'), 240, T - 20 * H, 15_000, (i) => i))).toMatchObject({ status: 'stored', samples: 0, tooOld: 240 });
    s = await f.reopen({ retentionMs: DAY });
    expect(s.series([])).toEqual([]);
    await s.close();
    const check = await checkStore(f.path);
    expect(check).toMatchObject({ series: 0, chunks: 0, problems: [] });
  });

  it('deletes the oldest chunks first until the store fits its size bound, never the newest data', async () => {
    let s = await f.open();
    for (let room = 0; room < 40; room++) {
      await f.send(run(temp(String(room)), 4000, T, 15_000, (i) => Math.round(Math.sin(i / 50) * 1000) / 10 + room));
    }
    await s.maintain();
    const full = s.status(10).bytes;
    const limit = Math.floor(full / 2);
    s = await f.reopen({ retentionBytes: limit });
    await s.maintain();
    expect(s.status(10).bytes).toBeLessThanOrEqual(limit);
    const left = dump(s, 'temp', 0, 2 * T);
    expect(left).toHaveLength(40);
    for (const one of left) {
      // What is left of each series is its newest part, without a gap.
      const times = one.samples.map((p) => p[0] as number);
      expect(times.at(-1)).toBe(T + 3999 * 15_000);
      expect(times).toEqual(Array.from({ length: times.length }, (_, i) => T + (4000 - times.length + i) * 15_000));
      expect(times.length).toBeLessThan(4000);
    }
    await s.close();
    expect((await checkStore(f.path)).problems).toEqual([]);
  });
});
