import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/process.ts';
import { startCounterTarget, type CounterTarget } from './counter-target.ts';
import { agentState, counterSamples, latest, sleep, values, waitForOccurrences } from './observe.ts';
import { BROKER_KINDS, openRig, rigAvailable, type Rig } from './rig.ts';

const DROPPED_BATCHES = 'sum(outpost_agent_queue_dropped_batches_total{instance="pi-1"})';
const DELIVERED_AFTER_ALL = 'outpost_agent_queue_dropped_delivered_batches_total{instance="pi-1"}';
const DROPPED_SAMPLES = 'outpost_agent_queue_dropped_samples_total{instance="pi-1",reason="bytes"}';

describe.each(BROKER_KINDS.filter(rigAvailable))('(d) a full agent queue, broker: %s', (kind) => {
  let rig: Rig;
  let target: CounterTarget;
  beforeEach(async () => {
    rig = await openRig(kind);
    target = await startCounterTarget();
  });
  afterEach(async () => {
    await rig.close();
    await target.close();
  });

  it('drops the oldest batches, never the newest, and its counters account exactly for every batch the aggregator never got', async () => {
    // No aggregator yet: every batch stays queued, and 8 KiB holds about a second of them.
    const agent = rig.startAgent('pi-1', target, { extraArgs: ['--max-queue-bytes', '8KB'] });
    await waitForOccurrences(agent, 'queue full', 1);
    await sleep(1_000);
    const aggregator = await rig.startAggregator();
    // The agent is back (after its backoff, the queue dropping all the while); from now on its queue drains.
    await waitForOccurrences(aggregator, 'agent pi-1 is online', 1);
    const online = target.served();
    await eventually(async () => (values(await counterSamples(rig.api(), target)).some((v) => v > online) ? true : undefined), 30_000, 'live samples');
    const produced = target.pause();

    const stored = await eventually(async () => {
      const v = values(await counterSamples(rig.api(), target));
      // Live data goes first, so the newest value can land before the backlog behind it: wait for a gap-free run.
      return v.at(-1) === produced && v.length === produced - (v[0] as number) + 1 ? v : undefined;
    }, 30_000, `every value up to ${produced} after the dropped oldest to be stored`).catch(async () => values(await counterSamples(rig.api(), target)));
    const first = stored[0] as number;
    expect(first).toBeGreaterThan(1);
    // A contiguous run ending with the newest: what is missing is exactly the oldest.
    expect(stored).toEqual(Array.from({ length: produced - first + 1 }, (_, i) => first + i));

    // The agent's own counts against the sequence numbers that never reached the aggregator (numbered 0..lastSeq,
    // of which `batches` were stored; none was rejected). A batch already published when the cap drops it may still
    // be stored: the agent counts the ack that then finds it gone, so dropped − delivered after all is exactly what
    // is missing. Batches in flight count as missing for a moment, so the comparison is repeated until it holds
    // twice in a row (or times out).
    let last = { dropped: NaN, delivered: NaN, missing: NaN };
    let agreed = 0;
    await eventually(async () => {
      const state = await agentState(rig.api(), 'pi-1');
      last = {
        dropped: (await latest(rig.api(), DROPPED_BATCHES)) ?? NaN,
        delivered: (await latest(rig.api(), DELIVERED_AFTER_ALL)) ?? NaN,
        missing: state?.lastSeq == null ? NaN : state.lastSeq + 1 - state.batches,
      };
      agreed = last.missing === last.dropped - last.delivered ? agreed + 1 : 0;
      return agreed >= 2 ? true : undefined;
    }, 20_000, 'the drop counters to match the missing batches').catch(() => undefined);
    expect(last.missing).toBeGreaterThan(0);
    expect(last.delivered).toBeGreaterThanOrEqual(0);
    expect(last.missing).toBe(last.dropped - last.delivered);
    expect((await agentState(rig.api(), 'pi-1'))?.rejected).toBe(0);
    // Every dropped counter sample is in a dropped batch's sample count.
    expect(await latest(rig.api(), DROPPED_SAMPLES)).toBeGreaterThanOrEqual(first - 1);
    // The first drop is logged at once, naming the oldest batch.
    expect(agent.output()).toMatch(/queue full \([^)]*\).*dropped \d+ oldest batch(es)? with \d+ samples \(seq 0[–,)]/);
  }, 90_000);
});
