import mqtt from 'mqtt';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryQueue } from '../../../agent/buffer/memory-queue.ts';
import { startPublisher, type Publisher } from '../../../agent/publish/publisher.ts';
import { openAgentRegistry, type AgentRegistry } from '../../../aggregator/ingest/agent-registry.ts';
import { startEmbeddedBroker, type RunningBroker } from '../../../aggregator/ingest/broker.ts';
import { createIngest, type Ingest } from '../../../aggregator/ingest/ingest.ts';
import { openLmdbStore } from '../../../aggregator/store/lmdb-store.ts';
import type { Storage } from '../../../aggregator/store/storage.ts';
import { buildBatch } from '../../../protocol/batch.ts';
import { encodeBatch } from '../../../protocol/codec.ts';
import type { Logger } from '../../../protocol/log.ts';
import { makeMatcher } from '../../../promql/matcher.ts';
import { eventually } from '../../helpers/process.ts';
import { samplesOf } from '../../../promql/columns.ts';

const lines: string[] = [];
const log: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };

describe('publisher against the embedded broker', () => {
  let dir: string;
  let storage: Storage;
  let registry: AgentRegistry;
  let ingest: Ingest;
  let broker: RunningBroker;
  const publishers: Publisher[] = [];

  beforeEach(async () => {
    lines.length = 0;
    dir = mkdtempSync(join(tmpdir(), 'outpost-pub-'));
    storage = await openLmdbStore(join(dir, 'store'));
    registry = await openAgentRegistry(join(dir, 'agents'));
    ingest = createIngest({ storage, registry, log, now: Date.now });
    broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, ingest, log });
  });

  afterEach(async () => {
    for (const p of publishers.splice(0)) await p.close();
    await broker.close();
    await registry.close();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const publisher = (queue = memoryQueue(), windowSize = 4) => {
    const p = startPublisher(
      queue,
      { agent: 'pi-1', brokerUrl: `mqtt://127.0.0.1:${broker.port}`, windowSize, ackTimeoutMs: 5_000, keepaliveSec: 30, backoff: { minMs: 100, maxMs: 500 } },
      log,
    );
    publishers.push(p);
    return p;
  };

  it('removes a batch only after the aggregator stored it, and stores its samples', async () => {
    const queue = memoryQueue();
    const t = Date.now();
    for (let i = 0; i < 10; i++) {
      await queue.enqueue((seq) => encodeBatch(buildBatch('pi-1', seq, [{ labels: { __name__: 'temp', room: 'a' }, v: i, t: t + i }])), t);
    }
    const pub = publisher(queue, 3);
    await eventually(async () => (queue.stats().batches === 0 ? true : undefined), 10_000, 'queue to drain');
    expect(pub.counters.batchesAcked).toBe(10);
    const [series] = [...storage.select([makeMatcher('=', '__name__', 'temp')], 0, t + 100)];
    expect(series && samplesOf(series).map((s) => s.v)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('drops a batch the aggregator rejects as invalid, with a logged reason, and goes on', async () => {
    const queue = memoryQueue();
    await queue.enqueue(() => new Uint8Array([0xff, 0x00, 0x13]), 0);
    await queue.enqueue((seq) => encodeBatch(buildBatch('pi-1', seq, [{ labels: { __name__: 'ok' }, v: 1, t: Date.now() }])), 0);
    const pub = publisher(queue);
    await eventually(async () => (queue.stats().batches === 0 ? true : undefined), 10_000, 'queue to drain');
    expect(pub.counters.batchesRejected).toBe(1);
    expect(pub.counters.batchesAcked).toBe(1);
    expect(ingest.counters.batchesRejected).toBe(1);
    expect(lines.some((l) => l.includes('rejected batch 0') && l.includes('payload'))).toBe(true);
  });

  it('refuses a client that publishes under another agent id, storing nothing', async () => {
    const intruder = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { username: 'pi-2', protocolVersion: 4, reconnectPeriod: 0 });
    const closed = new Promise<void>((resolve) => intruder.once('close', () => resolve()));
    const forged = encodeBatch(buildBatch('pi-1', 0, [{ labels: { __name__: 'forged' }, v: 1, t: Date.now() }]));
    intruder.publish('outpost/v1/pi-1/metrics/0', Buffer.from(forged), { qos: 0 });
    await closed;
    await intruder.endAsync();
    expect([...storage.select([makeMatcher('=', '__name__', 'forged')], 0, Date.now() + 1000)]).toEqual([]);
    expect(lines.some((l) => l.includes('refused publish to outpost/v1/pi-1/metrics/0 by pi-2'))).toBe(true);
  });

  it('refuses a client without an agent id as user name', async () => {
    await expect(mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { protocolVersion: 4, reconnectPeriod: 0 })).rejects.toThrow();
    expect(lines.some((l) => l.includes('the user name must be the agent id'))).toBe(true);
  });
});
