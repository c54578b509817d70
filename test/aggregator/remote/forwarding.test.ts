import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAgentRegistry, type AgentRegistry } from '../../../aggregator/ingest/agent-registry.ts';
import { createIngest } from '../../../aggregator/ingest/ingest.ts';
import { startForwarding } from '../../../aggregator/remote/forwarding.ts';
import { remoteWriteTo } from '../../../aggregator/remote/sender-config.ts';
import { uncompressBlock } from '../../../aggregator/remote/snappy-block.ts';
import { decodeWriteRequest } from '../../../aggregator/remote/write-request.ts';
import { openLmdbStore } from '../../../aggregator/store/lmdb-store.ts';
import type { Storage } from '../../../aggregator/store/storage.ts';
import { buildBatch, type Sample } from '../../../protocol/batch.ts';
import { encodeBatch } from '../../../protocol/codec.ts';
import type { Labels } from '../../../protocol/labels.ts';
import type { Logger } from '../../../protocol/log.ts';
import { metricsTopic } from '../../../protocol/topics.ts';
import { tempDir } from '../../helpers/tmp.ts';

const T = 1_700_000_000_000;
const log: Logger = { info: () => {}, warn: () => {}, error: () => {} };

let dir: ReturnType<typeof tempDir>;
let storage: Storage;
let registry: AgentRegistry;

beforeEach(async () => {
  dir = tempDir('forwarding');
  storage = await openLmdbStore(join(dir.path, 'store'));
  registry = await openAgentRegistry(join(dir.path, 'agents'));
});

afterEach(async () => {
  await storage.close();
  await registry.close();
  dir.remove();
});

const batch = (seq: number) =>
  buildBatch('a1', seq, [
    { labels: { __name__: 'up', instance: 'a1' }, v: 1, t: T + seq },
    { labels: { __name__: 'gone', instance: 'a1' }, v: NaN, t: T + seq, stale: true },
  ]);

describe('forwarding what ingest stores', () => {
  it('hands each stored batch to onStored once, after the store; never duplicates or rejected batches', async () => {
    const seen: { series: readonly Labels[]; samples: readonly Sample[]; storedAlready: boolean }[] = [];
    const ingest = createIngest({
      storage,
      registry,
      log,
      now: () => T,
      onStored: (series, samples) => seen.push({ series, samples, storedAlready: storage.hasBatch('a1', 1) }),
    });
    await ingest.handle(metricsTopic('a1', 1), encodeBatch(batch(1)));
    await ingest.handle(metricsTopic('a1', 1), encodeBatch(batch(1)));
    await ingest.handle(metricsTopic('a1', 2), new Uint8Array([0xff, 0x00]));
    expect(seen).toEqual([{ series: batch(1).series, samples: batch(1).samples, storedAlready: true }]);
  });

  it('sends everything to every configured remote and flushes on close', async () => {
    const got: Record<string, [string, number, boolean][]> = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const request = decodeWriteRequest(await uncompressBlock(Buffer.concat(chunks), 1 << 20));
        for (const s of request.series) for (const x of s.samples) (got[req.url as string] ??= []).push([s.labels[0]?.[1] as string, x.t, x.stale]);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const forwarding = startForwarding([remoteWriteTo(`${base}/one`), remoteWriteTo(`${base}/two`)], { log, userAgent: 'Outpost/test' });
    const ingest = createIngest({ storage, registry, log, now: () => T, onStored: forwarding.onStored });
    await ingest.handle(metricsTopic('a1', 1), encodeBatch(batch(1)));
    await ingest.handle(metricsTopic('a1', 2), encodeBatch(batch(2)));
    await forwarding.close(5_000);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const expected = [['gone', T + 1, true], ['gone', T + 2, true], ['up', T + 1, false], ['up', T + 2, false]];
    expect(got['/one']?.sort()).toEqual(expected);
    expect(got['/two']?.sort()).toEqual(expected);
    expect(forwarding.senders.map((s) => s.counters.samplesSent)).toEqual([4, 4]);
  });
});
