import { Encoder } from 'cbor-x';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAgentRegistry, type AgentRegistry } from '../../aggregator/ingest/agent-registry.ts';
import { createIngest, type Ingest } from '../../aggregator/ingest/ingest.ts';
import { openLmdbStore } from '../../aggregator/store/lmdb-store.ts';
import type { Storage } from '../../aggregator/store/storage.ts';
import { buildBatch } from '../../protocol/batch.ts';
import { decodeAck, encodeBatch, encodeStatus } from '../../protocol/codec.ts';
import type { Logger } from '../../protocol/log.ts';
import { metricsTopic, topicFor } from '../../protocol/topics.ts';
import { parseSeriesSelector } from '../../promql/selector.ts';
import { tempDir } from '../helpers/tmp.ts';
import { samplesOf } from '../../promql/columns.ts';

const T = 1_700_000_000_000;
const NOW = 1_800_000_000_000;
const raw = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false });

let dir: ReturnType<typeof tempDir>;
let storage: Storage;
let registry: AgentRegistry;
let lines: Array<[level: string, message: string]>;

const log: Logger = {
  info: (m) => lines.push(['info', m]),
  warn: (m) => lines.push(['warn', m]),
  error: (m) => lines.push(['error', m]),
};

beforeEach(async () => {
  dir = tempDir('ingest');
  lines = [];
  storage = await openLmdbStore(join(dir.path, 'tsdb'));
  registry = await openAgentRegistry(join(dir.path, 'agents'));
});

afterEach(async () => {
  await storage.close();
  await registry.close();
  dir.remove();
});

const ingestWith = (s: Storage = storage): Ingest => createIngest({ storage: s, registry, log, now: () => NOW });
const batch = (agent: string, seq: number, v = 1) =>
  encodeBatch(buildBatch(agent, seq, [{ labels: { __name__: 'up', agent }, v, t: T }, { labels: { __name__: 'load' }, v: 0.5, t: T }]));

async function send(ingest: Ingest, topic: string, payload: Uint8Array) {
  const reply = await ingest.handle(topic, payload);
  if (!reply) throw new Error(`no reply to ${topic}`);
  return { topic: reply.topic, ack: decodeAck(reply.payload) };
}

const stored = () => [...storage.select([...parseSeriesSelector('{__name__=~".+"}')], 0, NOW)].map((s) => ({ labels: s.labels, samples: samplesOf(s) }));

describe('createIngest', () => {
  it('stores a good batch and acks it on the agent ack topic', async () => {
    const ingest = ingestWith();
    expect(await send(ingest, metricsTopic('a1', 1), batch('a1', 1))).toEqual({
      topic: topicFor('a1', 'ack'),
      ack: { seq: 1, status: 'stored' },
    });
    expect(ingest.counters).toMatchObject({ batchesStored: 1, samplesStored: 2, batchesRejected: 0, batchesFailed: 0 });
    expect(stored()).toHaveLength(2);
    expect(registry.list()).toEqual([
      { agent: 'a1', online: true, lastSeen: NOW, lastSeq: 1, batches: 1, samples: 2, rejected: 0, duplicates: 0 },
    ]);
  });

  it("keeps an agent offline when a batch that arrived before its last 'offline' is stored after it", async () => {
    // A storage whose append completes only when the test says: the agent's last batch is still being stored
    // when its shutdown status arrives.
    let release: () => void = () => {};
    let held = 0;
    const slow: Storage = {
      ...storage,
      appendBatch: async (b) => {
        if (held++ === 0) await new Promise<void>((r) => (release = r));
        return storage.appendBatch(b);
      },
    };
    const ingest = ingestWith(slow);
    const lastBatch = ingest.handle(metricsTopic('a1', 7), batch('a1', 7));
    await ingest.handle(topicFor('a1', 'status'), encodeStatus({ state: 'offline', t: NOW }));
    release();
    await lastBatch;
    expect(registry.list()[0]).toMatchObject({ agent: 'a1', online: false, lastSeq: 7, batches: 1 });
    // A batch arriving after it is from an agent that is back.
    await send(ingest, metricsTopic('a1', 8), batch('a1', 8));
    expect(registry.list()[0]).toMatchObject({ online: true, lastSeq: 8 });
  });

  it('acks a resend as duplicate without counting it as stored', async () => {
    const ingest = ingestWith();
    await send(ingest, metricsTopic('a1', 4), batch('a1', 4));
    expect((await send(ingest, metricsTopic('a1', 4), batch('a1', 4, 99))).ack).toEqual({ seq: 4, status: 'duplicate' });
    expect(ingest.counters).toMatchObject({ batchesStored: 1, batchesDuplicate: 1, samplesStored: 2 });
    expect(stored().find((s) => s.labels.agent === 'a1')?.samples.map((p) => p.v)).toEqual([1]);
    expect(registry.list()[0]).toMatchObject({ batches: 1, duplicates: 1 });
  });

  it('rejects garbage with the seq from the topic, a reason naming the field, a log line and no data', async () => {
    const ingest = ingestWith();
    const { topic, ack } = await send(ingest, 'outpost/v1/a1/metrics/7', Uint8Array.of(0xde, 0xad, 0xbe, 0xef));
    expect(topic).toBe('outpost/v1/a1/ack');
    expect(ack).toMatchObject({ seq: 7, status: 'rejected' });
    expect(ack.reason).toMatch(/^payload: /);
    expect(ingest.counters).toMatchObject({ batchesRejected: 1, batchesStored: 0, batchesFailed: 0 });
    expect(lines).toEqual([['warn', expect.stringMatching(/batch 7 .*a1.*payload/)]]);
    expect(registry.list()[0]).toMatchObject({ agent: 'a1', rejected: 1, online: false, lastSeen: NOW });
    expect(stored()).toEqual([]);
  });

  it('rejects a contract violation naming the bad field', async () => {
    const ingest = ingestWith();
    const payload = raw.encode({ v: 1, agent: 'a1', seq: 8, series: [['__name__', 'up']], s: [3], t: [T], x: [1] });
    const { ack } = await send(ingest, metricsTopic('a1', 8), payload);
    expect(ack).toMatchObject({ seq: 8, status: 'rejected', reason: expect.stringMatching(/^s\[0\]: /) });
    expect(stored()).toEqual([]);
  });

  it('rejects a batch published under another agent or another seq', async () => {
    const ingest = ingestWith();
    const spoof = await send(ingest, metricsTopic('a1', 1), batch('a2', 1));
    expect(spoof.ack).toMatchObject({ seq: 1, status: 'rejected', reason: expect.stringMatching(/^agent: .*a2.*a1/) });
    const reseq = await send(ingest, metricsTopic('a1', 2), batch('a1', 3));
    expect(reseq.ack).toMatchObject({ seq: 2, status: 'rejected', reason: expect.stringMatching(/^seq: /) });
    expect(ingest.counters.batchesRejected).toBe(2);
    expect(stored()).toEqual([]);
    // A rejected seq is not remembered: the real batch with that seq is still stored.
    expect((await send(ingest, metricsTopic('a1', 3), batch('a1', 3))).ack.status).toBe('stored');
  });

  it('asks for a retry of an unknown version instead of dropping it', async () => {
    const ingest = ingestWith();
    const payload = raw.encode({ v: 2, agent: 'a1', seq: 5, future: true });
    const { ack } = await send(ingest, metricsTopic('a1', 5), payload);
    expect(ack).toMatchObject({ seq: 5, status: 'retry', reason: expect.stringMatching(/^v: .*version 2/) });
    expect(ingest.counters).toMatchObject({ batchesFailed: 1, batchesRejected: 0 });
    expect(registry.list()).toEqual([]);
  });

  it('asks for a retry when storage fails, logs it and keeps working', async () => {
    let failing = true;
    const flaky: Storage = {
      ...storage,
      appendBatch: (b) => (failing ? Promise.reject(new Error('MDB_MAP_FULL')) : storage.appendBatch(b)),
    };
    const ingest = ingestWith(flaky);
    const first = await send(ingest, metricsTopic('a1', 1), batch('a1', 1));
    expect(first.ack).toEqual({ seq: 1, status: 'retry', reason: 'aggregator storage error' });
    expect(ingest.counters).toMatchObject({ batchesFailed: 1, batchesStored: 0, batchesRejected: 0 });
    expect(lines).toEqual([['error', expect.stringContaining('MDB_MAP_FULL')]]);
    failing = false;
    expect((await send(ingest, metricsTopic('a1', 1), batch('a1', 1))).ack.status).toBe('stored');
    expect(ingest.counters).toMatchObject({ batchesFailed: 1, batchesStored: 1 });
  });

  it('answers even when storage throws synchronously', async () => {
    const broken: Storage = {
      ...storage,
      appendBatch: () => {
        throw new Error('disk gone');
      },
    };
    const ingest = ingestWith(broken);
    expect((await send(ingest, metricsTopic('a1', 1), batch('a1', 1))).ack.status).toBe('retry');
    expect(ingest.counters.batchesFailed).toBe(1);
  });

  it('marks agents online and offline from their status messages', async () => {
    const ingest = ingestWith();
    expect(await ingest.handle(topicFor('a1', 'status'), encodeStatus({ state: 'online', t: T }))).toBeUndefined();
    await ingest.handle(topicFor('b2', 'status'), encodeStatus({ state: 'online', t: T }));
    expect(registry.list().map((a) => [a.agent, a.online, a.lastSeen])).toEqual([
      ['a1', true, NOW],
      ['b2', true, NOW],
    ]);
    await ingest.handle(topicFor('a1', 'status'), encodeStatus({ state: 'offline', t: 0 }));
    expect(registry.list().map((a) => [a.agent, a.online])).toEqual([
      ['a1', false],
      ['b2', true],
    ]);
    expect(ingest.counters.messagesIgnored).toBe(0);
  });

  it('ignores and counts unknown topics and unreadable status messages', async () => {
    const ingest = ingestWith();
    for (const topic of ['outpost/v1/a1/ack', 'outpost/v1/a1/alerts', 'other/topic', 'outpost/v1/a1/metrics/01', 'outpost/v1/a1/metrics']) {
      expect(await ingest.handle(topic, batch('a1', 1))).toBeUndefined();
    }
    expect(ingest.counters.messagesIgnored).toBe(5);
    expect(await ingest.handle(topicFor('a1', 'status'), Uint8Array.of(0xff))).toBeUndefined();
    expect(ingest.counters.messagesIgnored).toBe(6);
    expect(registry.list()).toEqual([]);
    expect(stored()).toEqual([]);
    expect(ingest.counters).toMatchObject({ batchesStored: 0, batchesRejected: 0, batchesFailed: 0 });
  });
});
