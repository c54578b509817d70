import { Encoder } from 'cbor-x';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAgentRegistry, type AgentRegistry } from '../../aggregator/ingest/agent-registry.ts';
import { createIngest } from '../../aggregator/ingest/ingest.ts';
import { openLmdbStore } from '../../aggregator/store/lmdb-store.ts';
import { openMetadataStore, type MetadataStore } from '../../aggregator/store/metadata.ts';
import type { Storage } from '../../aggregator/store/storage.ts';
import { buildBatch } from '../../protocol/batch.ts';
import { decodeAck, encodeBatch } from '../../protocol/codec.ts';
import type { Logger } from '../../protocol/log.ts';
import type { MetricMetadata } from '../../protocol/metadata.ts';
import { metricsTopic } from '../../protocol/topics.ts';
import { tempDir } from '../helpers/tmp.ts';

const T = 1_700_000_000_000;
const load: MetricMetadata = { name: 'node_load1', type: 'gauge', help: '1m load average.', unit: '' };
const loadOther: MetricMetadata = { ...load, help: 'Load over one minute.' };
const cpu: MetricMetadata = { name: 'node_cpu_seconds_total', type: 'counter', help: 'Seconds the CPUs spent in each mode.', unit: '' };
const described = ({ type, help, unit }: MetricMetadata) => ({ type, help, unit });

let dir: ReturnType<typeof tempDir>;
const open: MetadataStore[] = [];
const reopen = async (limits?: Parameters<typeof openMetadataStore>[1]) => {
  const store = await openMetadataStore(join(dir.path, 'metadata'), limits);
  open.push(store);
  return store;
};

beforeEach(() => {
  dir = tempDir('metadata');
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  dir.remove();
});

describe('metadata store', () => {
  it('keeps the distinct entries per family name, first seen first, names sorted', async () => {
    const store = await reopen();
    expect(await store.record([load, cpu, load])).toBe(0);
    expect(await store.record([loadOther, load, { ...load, unit: 'load' }])).toBe(0);
    expect(store.names()).toEqual(['node_cpu_seconds_total', 'node_load1']);
    expect(store.entries('node_load1')).toEqual([described(load), described(loadOther), { ...described(load), unit: 'load' }]);
    expect(store.entries('node_cpu_seconds_total')).toEqual([described(cpu)]);
    expect(store.entries('nope')).toEqual([]);
  });

  it('survives a restart', async () => {
    const first = await reopen();
    await first.record([load, loadOther, cpu]);
    await first.close();
    open.splice(0);
    const second = await reopen();
    expect(second.names()).toEqual(['node_cpu_seconds_total', 'node_load1']);
    expect(second.entries('node_load1')).toEqual([described(load), described(loadOther)]);
  });

  it('bounds the families, counting refusals, and the entries per family, dropping the oldest', async () => {
    const store = await reopen({ maxFamilies: 2, maxEntriesPerFamily: 2 });
    expect(await store.record([load, cpu, { ...load, name: 'third' }, { ...load, name: 'fourth' }])).toBe(2);
    expect(store.names()).toEqual(['node_cpu_seconds_total', 'node_load1']);
    // A known family still takes new descriptions at the family bound.
    expect(await store.record([loadOther, { ...load, help: 'newest' }])).toBe(0);
    expect(store.entries('node_load1').map((e) => e.help)).toEqual(['Load over one minute.', 'newest']);
  });

  it('forgets in memory what it could not write, so a resend writes it', async () => {
    const store = await reopen();
    await store.record([load]);
    await store.close();
    open.splice(0);
    await expect(store.record([loadOther, cpu])).rejects.toThrow();
    expect(store.names()).toEqual(['node_load1']);
    expect(store.entries('node_load1')).toEqual([described(load)]);
  });

  it('takes `__proto__` as a family name like any other', async () => {
    const store = await reopen();
    await store.record([{ ...load, name: '__proto__' }]);
    expect(store.names()).toEqual(['__proto__']);
    expect(store.entries('__proto__')).toEqual([described(load)]);
    expect(store.entries('constructor')).toEqual([]);
  });
});

describe('ingest of metadata', () => {
  let storage: Storage;
  let registry: AgentRegistry;
  let lines: string[];
  const log: Logger = { info: () => {}, warn: (m) => lines.push(m), error: (m) => lines.push(m) };

  beforeEach(async () => {
    lines = [];
    storage = await openLmdbStore(join(dir.path, 'tsdb'));
    registry = await openAgentRegistry(join(dir.path, 'agents'));
  });

  afterEach(async () => {
    await storage.close();
    await registry.close();
  });

  const send = async (ingest: ReturnType<typeof createIngest>, seq: number, metadata: MetricMetadata[], agent = 'a1') => {
    const payload = encodeBatch(buildBatch(agent, seq, [{ labels: { __name__: 'node_load1' }, v: 1, t: T + seq }], metadata));
    const reply = await ingest.handle(metricsTopic(agent, seq), payload);
    return decodeAck(reply?.payload as Uint8Array).status;
  };

  it('records a batch’s metadata before acking it, also from a resend, and from every agent', async () => {
    const metadata = await reopen();
    const ingest = createIngest({ storage, registry, metadata, log, now: () => T });
    expect(await send(ingest, 1, [load, cpu])).toBe('stored');
    expect(metadata.entries('node_load1')).toEqual([described(load)]);
    expect(await send(ingest, 2, [])).toBe('stored');
    expect(await send(ingest, 1, [loadOther])).toBe('duplicate');
    expect(await send(ingest, 1, [{ ...cpu, help: 'from a2' }], 'a2')).toBe('stored');
    expect(metadata.names()).toEqual(['node_cpu_seconds_total', 'node_load1']);
    expect(metadata.entries('node_load1')).toEqual([described(load), described(loadOther)]);
    expect(metadata.entries('node_cpu_seconds_total').map((e) => e.help)).toEqual([cpu.help, 'from a2']);
    expect(ingest.counters).toMatchObject({ batchesStored: 3, batchesDuplicate: 1, metadataDropped: 0 });
  });

  it('stores the samples and counts the entries when the metadata cannot be kept', async () => {
    const failing: MetadataStore = { names: () => [], entries: () => [], record: () => Promise.reject(new Error('MDB_MAP_FULL')), close: async () => {} };
    const ingest = createIngest({ storage, registry, metadata: failing, log, now: () => T });
    expect(await send(ingest, 1, [load, cpu])).toBe('stored');
    expect(ingest.counters).toMatchObject({ batchesStored: 1, metadataDropped: 2 });
    expect(lines).toEqual(['metadata of batch 1 from agent a1 not stored: MDB_MAP_FULL']);
    const bounded = createIngest({ storage, registry, metadata: await reopen({ maxFamilies: 1, maxEntriesPerFamily: 5 }), log, now: () => T });
    expect(await send(bounded, 2, [load, cpu])).toBe('stored');
    expect(bounded.counters.metadataDropped).toBe(1);
  });

  it('rejects a batch with a malformed table, naming the entry, and stores nothing of it', async () => {
    const metadata = await reopen();
    const ingest = createIngest({ storage, registry, metadata, log, now: () => T });
    const raw = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false });
    const payload = raw.encode({ v: 1, agent: 'a1', seq: 3, series: [['__name__', 'up']], s: [0], t: [T], x: [1], meta: [['up', 'gauge', '', ''], ['up', 'untyped', '', '']] });
    const ack = decodeAck((await ingest.handle(metricsTopic('a1', 3), payload))?.payload as Uint8Array);
    expect(ack).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/^meta\[1\]\.type: /) });
    expect(metadata.names()).toEqual([]);
    expect(storage.hasBatch('a1', 3)).toBe(false);
  });
});
