import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/process.ts';
import { startCounterTarget, type CounterTarget } from './counter-target.ts';
import { counterSamples, oneTo, sleep, type StoredSample } from './observe.ts';
import { openRig, rigAvailable, type Rig } from './rig.ts';

const WORKERS = [0, 1];
const WINDOW = 8; // the agent's default: batches in flight at once

/**
 * Two aggregators with `--mqtt-shared-group` behind one mosquitto, each with its own data directory: mosquitto hands
 * each batch to one of them. Read through each worker's own API.
 */
describe.skipIf(!rigAvailable('mosquitto'))('scaling out: two ingest workers in a shared group', () => {
  let rig: Rig;
  let targets: CounterTarget[];
  beforeAll(async () => {
    rig = await openRig('mosquitto');
    targets = [await startCounterTarget(), await startCounterTarget()];
    for (const worker of WORKERS) await rig.startAggregator({ worker, sharedGroup: 'ingest' });
    rig.startAgent('pi-1', targets[0] as CounterTarget);
    rig.startAgent('pi-2', targets[1] as CounterTarget);
  });
  afterAll(async () => {
    await rig.close();
    for (const t of targets) await t.close();
  });

  /** Each worker's samples of one target's counter. */
  const perWorker = (target: CounterTarget) => Promise.all(WORKERS.map((w) => counterSamples(rig.api(w), target)));

  /** Pauses the targets and waits until the workers together hold every value produced (the union, as a set). */
  async function pauseAndCollect(): Promise<{ produced: number; split: StoredSample[][] }[]> {
    const produced = targets.map((t) => t.pause());
    return Promise.all(
      targets.map(async (target, i) => {
        await eventually(async () => {
          const s = await perWorker(target);
          return new Set(s.flat().map((x) => x.v)).size >= (produced[i] as number) ? s : undefined;
        }, 30_000, `every value of ${target.address} in some worker`);
        await sleep(300);
        return { produced: produced[i] as number, split: await perWorker(target) };
      }),
    );
  }

  it('splits the batches between the workers, each batch stored by exactly one', async () => {
    await sleep(3_000);
    const results = await pauseAndCollect();
    for (const { produced, split } of results) {
      const all = split.flat().map((s) => s.v).sort((a, b) => a - b);
      expect(all).toEqual(oneTo(produced));
    }
    // Both workers took a share of the load.
    for (const w of WORKERS) expect(results.reduce((n, r) => n + (r.split[w] as StoredSample[]).length, 0)).toBeGreaterThan(0);
  }, 60_000);

  it('after kill -9 of one worker loses nothing; a batch stored twice (by both) is the same samples', async () => {
    for (const t of targets) t.resume();
    await sleep(1_000);
    await rig.aggregator(1).stop('SIGKILL');
    // Its in-flight batches are gone with its session; the agents resend them after their ack timeout to worker 0.
    await sleep(2_500);
    await rig.startAggregator({ worker: 1, sharedGroup: 'ingest' });
    await sleep(1_500);
    const results = await pauseAndCollect();
    for (const { produced, split } of results) {
      const [a, b] = split as [StoredSample[], StoredSample[]];
      expect(new Set([...a, ...b].map((s) => s.v))).toEqual(new Set(oneTo(produced)));
      // Each worker alone stores a value at most once (its own dedupe).
      for (const w of [a, b]) expect(new Set(w.map((s) => s.v)).size).toBe(w.length);
      // A batch can reach both workers only when one died between storing it and its ack leaving: the copies are
      // the same samples (same timestamp and value), which a common remote_write backend stores once.
      const inA = new Map(a.map((s) => [s.v, s.t]));
      const both = b.filter((s) => inA.has(s.v));
      for (const s of both) expect(inA.get(s.v)).toBe(s.t);
      expect(both.length).toBeLessThanOrEqual(WINDOW);
    }
  }, 60_000);
});
