import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/process.ts';
import { startCounterTarget, type CounterTarget } from './counter-target.ts';
import { agentState, counterSamples, latest, sleep, values, waitForOccurrences } from './observe.ts';
import { BROKER_KINDS, openRig, rigAvailable, type Rig } from './rig.ts';

const DROPPED_BATCHES = 'outpost_agent_queue_dropped_batches_total{instance="pi-1",reason="bytes"}';
const WINDOW = 8; // the agent's default --window: batches published and not yet acked
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

  it('drops the oldest batches, never the newest, and its drop counter accounts for every batch the aggregator never got', async () => {
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
      return v.at(-1) === produced ? v : undefined;
    }, 30_000, `the last value ${produced} to be stored`);
    const first = stored[0] as number;
    expect(first).toBeGreaterThan(1);
    // A contiguous run ending with the newest: what is missing is exactly the oldest.
    expect(stored).toEqual(Array.from({ length: produced - first + 1 }, (_, i) => first + i));

    // The agent's own count of dropped batches against the sequence numbers that never reached the aggregator
    // (numbered 0..lastSeq, of which `batches` were stored; none was rejected). They agree except for one race:
    // a batch already published when the cap drops it may still be stored (its ack then finds nothing to remove),
    // so the counter may exceed the batches lost by at most the batches in flight. Batches in flight also count as
    // missing for a moment, so the comparison is repeated until it holds (or times out).
    let last = { dropped: NaN, missing: NaN };
    const agrees = () => last.dropped >= last.missing && last.dropped - last.missing <= WINDOW;
    await eventually(async () => {
      const state = await agentState(rig.api(), 'pi-1');
      last = { dropped: (await latest(rig.api(), DROPPED_BATCHES)) ?? NaN, missing: state?.lastSeq == null ? NaN : state.lastSeq + 1 - state.batches };
      return agrees() ? true : undefined;
    }, 20_000, 'the drop counter to match the missing batches').catch(() => undefined);
    expect(last.missing).toBeGreaterThan(0);
    expect(last.dropped).toBeGreaterThanOrEqual(last.missing);
    expect(last.dropped - last.missing).toBeLessThanOrEqual(WINDOW);
    expect((await agentState(rig.api(), 'pi-1'))?.rejected).toBe(0);
    // Every dropped counter sample is in a dropped batch's sample count.
    expect(await latest(rig.api(), DROPPED_SAMPLES)).toBeGreaterThanOrEqual(first - 1);
    // The first drop is logged at once, naming the oldest batch.
    expect(agent.output()).toMatch(/queue full \([^)]*\).*dropped \d+ oldest batch(es)? with \d+ samples \(seq 0[–,)]/);
  }, 90_000);
});
