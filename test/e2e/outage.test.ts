import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLmdbQueue } from '../../agent/buffer/lmdb-queue.ts';
import { openTsdbStore } from '../../aggregator/store/tsdb-store.ts';
import { freePort } from '../helpers/ports.ts';
import { eventually, startOutpost, stopAll } from '../helpers/process.ts';

describe('store and forward through an aggregator outage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-outage-'));
  afterAll(async () => {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers every batch queued while the aggregator was down or killed, each stored once', async () => {
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    const api = `http://127.0.0.1:${httpPort}`;
    const startAggregator = () =>
      startOutpost([
        'aggregator',
        '--data-dir', join(dir, 'aggregator'),
        '--http-listen', `127.0.0.1:${httpPort}`,
        '--mqtt-listen', `127.0.0.1:${mqttPort}`,
      ]);
    const agentArgs = ['agent', '--id', 'outage', '--broker', `mqtt://127.0.0.1:${mqttPort}`, '--data-dir', join(dir, 'agent'), '--interval', '200ms', '--ack-timeout', '2s'];

    // 1. No aggregator yet: the agent collects into its queue and keeps trying to connect.
    let agent = startOutpost(agentArgs);
    await agent.waitFor('reconnecting in');
    await new Promise((r) => setTimeout(r, 2_000));

    // 2. The aggregator comes up; the backlog starts to drain; then it dies hard mid-stream.
    let aggregator = startAggregator();
    await aggregator.waitFor('agent outage is online');
    await new Promise((r) => setTimeout(r, 500));
    await aggregator.stop('SIGKILL');

    // 3. The agent restarts too (its queue and sequence must survive), then the aggregator returns.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await agent.stop('SIGINT')).toBe(0);
    agent = startOutpost(agentArgs);
    aggregator = startAggregator();
    await aggregator.waitFor('agent outage is online');

    // 4. Wait until the agent reports an empty backlog, then stop both cleanly.
    await eventually(async () => {
      const res = await fetch(`${api}/api/v1/query?query=outpost_agent_queue_batches{instance="outage"}`);
      const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
      const backlog = body.data.result[0]?.value[1];
      return backlog !== undefined && Number(backlog) <= 1 ? true : undefined;
    }, 60_000, 'the backlog to drain');
    expect(await agent.stop('SIGINT')).toBe(0);
    expect(await aggregator.stop('SIGINT')).toBe(0);

    // Every batch the agent ever numbered is either stored exactly once or still queued: none lost.
    const queue = await openLmdbQueue(join(dir, 'agent', 'queue'));
    const { created } = queue.stats();
    const queued = new Set(queue.oldest(Number.MAX_SAFE_INTEGER).map((b) => b.seq));
    await queue.close();
    const store = await openTsdbStore(join(dir, 'aggregator', 'store'));
    const seqs = Array.from({ length: created }, (_, seq) => seq);
    const stored = seqs.filter((seq) => store.hasBatch('outage', seq));
    await store.close();

    expect(created).toBeGreaterThan(15);
    expect(queued.size).toBeLessThanOrEqual(10);
    // Every sequence number is stored or still queued (a stored batch whose ack was cut off may be both:
    // its resend is answered as a duplicate), so nothing collected was lost.
    expect(seqs.filter((seq) => !stored.includes(seq) && !queued.has(seq))).toEqual([]);
  }, 240_000);
});
