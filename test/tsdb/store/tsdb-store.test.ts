import { describe, expect, it } from 'vitest';
import { openDbs } from '../../../aggregator/store/tsdb-dbs.ts';
import { readColumns } from '../../../aggregator/store/sample-read.ts';
import { loadState } from '../../../aggregator/store/tsdb-state.ts';
import { openTsdbStore } from '../../../aggregator/store/tsdb-store.ts';
import { prng } from '../../../bench/node-like-series.ts';
import type { CollectedSample } from '../../../protocol/batch.ts';
import { dump, sel, storageContract, T } from './storage-contract.ts';
import { checkStore } from './tsdb-consistency.ts';
import { run, useTsdbFixture } from './tsdb-fixture.ts';

storageContract('openTsdbStore', (path) => openTsdbStore(path));

const temp = (room = 'a') => ({ __name__: 'temp', room });
const S = 15_000;

describe('openTsdbStore: late samples, rewrites and staleness', () => {
  const f = useTsdbFixture();

  it('merges late samples with in-order data in time order, before and after checkpoint, compaction and reopen', async () => {
    let s = await f.open();
    await f.send(run(temp(), 600, T, S, (i) => i));
    // Late samples between the in-order ones, delivered in batches of 100 each written newest first.
    for (let from = 0; from < 600; from += 100) await f.send(run(temp(), 100, T + from * S + 5_000, S, (i) => -(from + i)).reverse());
    // All but the very last, which is newer than every in-order sample.
    expect(s.counters.samplesOutOfOrder).toBe(599);
    const expected = Array.from({ length: 1200 }, (_, k) => (k % 2 === 0 ? [T + (k / 2) * S, k / 2] : [T + ((k - 1) / 2) * S + 5_000, -(k - 1) / 2]));
    expect(dump(s, 'temp')).toEqual([{ labels: temp(), samples: expected }]);
    await s.maintain();
    expect(s.counters.chunksCompacted).toBeGreaterThan(0);
    expect(dump(s, 'temp')[0]?.samples).toEqual(expected);
    expect(dump(s, 'temp', T + 100 * S, T + 101 * S)[0]?.samples).toEqual([[T + 100 * S + 5_000, -100], [T + 101 * S, 101]]);
    s = await f.reopen();
    expect(dump(s, 'temp')[0]?.samples).toEqual(expected);
    await s.close();
    let check = await checkStore(f.path);
    expect(check.problems).toEqual([]);
    // The late chunk that reaches into the head chunk's time waits: in-order chunks must never overlap.
    expect(check.oooChunks).toBe(1);
    s = await f.open();
    await f.send(run(temp(), 300, T + 600 * S, S, (i) => 600 + i));
    await s.maintain();
    expect(dump(s, 'temp')[0]?.samples).toEqual([...expected, ...Array.from({ length: 300 }, (_, i) => [T + (600 + i) * S, 600 + i])]);
    await s.close();
    check = await checkStore(f.path);
    expect(check.problems).toEqual([]);
    // Once the head moved on, it was merged too: the late samples all sit in in-order chunks now.
    expect(check.oooChunks).toBe(0);
  });

  it('keeps the latest write of a timestamp in memory, in stored chunks and through compaction', async () => {
    let s = await f.open();
    await f.send(run(temp(), 500, T, S, () => 1));
    await s.maintain();
    await f.send(run(temp(), 300, T, S, () => 2));
    await f.send(run(temp(), 10, T, S, () => 3));
    const expected = Array.from({ length: 500 }, (_, i) => [T + i * S, i < 10 ? 3 : i < 300 ? 2 : 1]);
    expect(dump(s, 'temp')[0]?.samples).toEqual(expected);
    await s.maintain();
    expect(dump(s, 'temp')[0]?.samples).toEqual(expected);
    s = await f.reopen();
    expect(dump(s, 'temp')[0]?.samples).toEqual(expected);
    await s.close();
    // Compaction stored each timestamp of the two full chunks once (not 480 + the 240 rewrites); the last 20
    // samples are in the head chunk and the 70 latest rewrites in the out-of-order buffer, both in the head record.
    const check = await checkStore(f.path);
    expect(check.problems).toEqual([]);
    expect(check.samples).toBe(480);
  });

  it('stores staleness markers wherever a sample can be and returns them as stale', async () => {
    let s = await f.open();
    const samples: CollectedSample[] = run(temp(), 300, T, S, (i) => i);
    samples[100] = { labels: temp(), t: T + 100 * S, v: 0, stale: true };
    await f.send(samples);
    // A late marker between samples, and a marker replacing a value.
    await f.send([
      { labels: temp(), t: T + 5_000, v: 0, stale: true },
      { labels: temp(), t: T + 200 * S, v: 0, stale: true },
    ]);
    const staleAt = (x: ReturnType<typeof dump>) => x[0]?.samples.filter((p) => p[1] === 'stale').map((p) => p[0]);
    const expected = [T + 5_000, T + 100 * S, T + 200 * S];
    expect(staleAt(dump(s, 'temp'))).toEqual(expected);
    await s.maintain();
    s = await f.reopen();
    expect(staleAt(dump(s, 'temp'))).toEqual(expected);
    expect(dump(s, 'temp')[0]?.samples).toHaveLength(301);
  });

  it('selects any range across stored and head chunks, with a stale column only where a marker falls in it', async () => {
    const s = await f.open();
    const samples: CollectedSample[] = run(temp(), 1000, T, S, (i) => Math.round(i * 1.7 * 100) / 100);
    samples[500] = { labels: temp(), t: T + 500 * S, v: 0, stale: true };
    await f.send(samples);
    await s.maintain();
    const r = prng(8);
    for (let k = 0; k < 60; k++) {
      const a = T + Math.floor(r() * 1100 - 50) * S + (k % 2) * 7;
      const b = a + Math.floor(r() * 700) * S;
      const [got] = [...s.select(sel('temp'), a, b)];
      const want = samples.filter((x) => x.t > a && x.t <= b); // select takes (mint, maxt]
      if (want.length === 0) {
        expect(got).toBeUndefined();
        continue;
      }
      expect(got?.ts).toEqual(Float64Array.from(want, (x) => x.t));
      expect(got?.vs).toEqual(Float64Array.from(want, (x) => (x.stale ? NaN : x.v)));
      const marked = want.some((x) => x.stale);
      expect(got?.stale === undefined).toBe(!marked);
      if (marked) expect(got?.stale).toEqual(Uint8Array.from(want, (x) => (x.stale ? 1 : 0)));
    }
  });

  it('rebuilds exactly the live head from the last checkpoint and the write-ahead log', async () => {
    const s = await f.open({ checkpointWalBytes: Number.MAX_SAFE_INTEGER });
    const rnd = prng(3);
    await f.send(run(temp('a'), 700, T, S, (i) => i));
    await s.maintain();
    for (let b = 0; b < 20; b++) {
      await f.send(Array.from({ length: 50 }, () => ({ labels: temp(rnd() < 0.5 ? 'a' : 'b'), t: T + Math.floor(rnd() * 900) * S, v: rnd() })));
    }
    // A second reader of the same files, as a restart after a crash would see them: nothing was checkpointed
    // after the first 700 samples, so everything since comes from the WAL.
    const dbs = openDbs(f.path);
    try {
      const replayed = loadState(dbs);
      const live = [...s.select(sel('temp'), 0, T + 10_000 * S)];
      expect(live).toHaveLength(2);
      for (const one of live) {
        const twin = [...replayed.series.values()].find((x) => x.labels.room === one.labels.room);
        expect(twin && readColumns(dbs.chunks, twin, T, T + 10_000 * S)).toEqual({ ts: one.ts, vs: one.vs, stale: one.stale });
      }
    } finally {
      await dbs.root.close();
    }
  });

  it('matches a model of last-write-wins samples through random appends, checkpoints, compactions and reopens', async () => {
    const rnd = prng(11);
    const model = new Map<string, Map<number, number | 'stale'>>();
    let s = await f.open({ checkpointWalBytes: 20_000 });
    for (let round = 0; round < 30; round++) {
      const batch: CollectedSample[] = [];
      for (let i = 0; i < 200; i++) {
        const room = String(Math.floor(rnd() * 3));
        // Mostly moving forward, sometimes late, sometimes a timestamp again.
        const t = T + Math.floor(round * 400 + (rnd() < 0.7 ? i * 2 : -rnd() * 3000)) * 1000;
        const stale = rnd() < 0.05;
        const v = Math.round(rnd() * 1000) / 10;
        batch.push({ labels: temp(room), t, v, stale });
        if (!model.has(room)) model.set(room, new Map());
        model.get(room)?.set(t, stale ? 'stale' : v);
      }
      await f.send(batch);
      if (round % 7 === 6) await s.maintain();
      if (round % 11 === 10) s = await f.reopen({ checkpointWalBytes: 20_000 });
    }
    const expected = [...model].sort(([a], [b]) => a.localeCompare(b)).map(([room, points]) => ({
      labels: temp(room),
      samples: [...points].sort(([a], [b]) => a - b),
    }));
    const actual = dump(s, 'temp').sort((a, b) => String(a.labels.room).localeCompare(String(b.labels.room)));
    expect(actual).toEqual(expected);
    expect(s.counters.checkpoints).toBeGreaterThan(0);
    await s.maintain();
    expect(dump(s, 'temp').sort((a, b) => String(a.labels.room).localeCompare(String(b.labels.room)))).toEqual(expected);
    await s.close();
    expect((await checkStore(f.path)).problems).toEqual([]);
  });
});
