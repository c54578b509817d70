import { join } from 'node:path';
import type { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../aggregator/http/app.ts';
import { openAgentRegistry, type AgentRegistry } from '../../aggregator/ingest/agent-registry.ts';
import { openLmdbStore } from '../../aggregator/store/lmdb-store.ts';
import { openMetadataStore, type MetadataStore } from '../../aggregator/store/metadata.ts';
import type { Storage } from '../../aggregator/store/storage.ts';
import { DEFAULT_ENGINE } from '../../promql/engine.ts';
import type { MetricMetadata } from '../../protocol/metadata.ts';
import { tempDir } from '../helpers/tmp.ts';

const T = 1_700_000_000_000;

let dir: ReturnType<typeof tempDir>;
let storage: Storage;
let registry: AgentRegistry;
let metadata: MetadataStore;
let app: Hono;

const load: MetricMetadata = { name: 'node_load1', type: 'gauge', help: '1m load average.', unit: '' };
const entries: MetricMetadata[] = [
  load,
  { name: 'node_cpu_seconds_total', type: 'counter', help: 'Seconds the CPUs spent in each mode.', unit: '' },
  { name: 'http_request_duration', type: 'histogram', help: 'How long requests took.', unit: 'seconds' },
  { ...load, help: 'Load over one minute.' },
  { ...load, help: 'A third wording.' },
];

beforeEach(async () => {
  dir = tempDir('metadata-api');
  storage = await openLmdbStore(join(dir.path, 'tsdb'));
  registry = await openAgentRegistry(join(dir.path, 'agents'));
  metadata = await openMetadataStore(join(dir.path, 'metadata'));
  await metadata.record(entries);
  app = createApp({ storage, registry, metadata, now: () => T, engine: DEFAULT_ENGINE, ready: () => true });
});

afterEach(async () => {
  await Promise.all([storage.close(), registry.close(), metadata.close()]);
  dir.remove();
});

async function get(query: Record<string, string> = {}) {
  const res = await app.request(`/api/v1/metadata?${new URLSearchParams(query)}`);
  return { status: res.status, text: await res.text() };
}
const data = async (query: Record<string, string> = {}) => JSON.parse((await get(query)).text).data as Record<string, unknown[]>;

describe('/api/v1/metadata', () => {
  it('answers one family in Prometheus’ exact JSON', async () => {
    await metadata.record([{ name: 'up', type: 'gauge', help: 'Health of the target.', unit: '' }]);
    const res = await get({ metric: 'up' });
    expect(res.status).toBe(200);
    expect(res.text).toBe('{"status":"success","data":{"up":[{"type":"gauge","help":"Health of the target.","unit":""}]}}');
  });

  it('lists every family with its distinct entries, names in order', async () => {
    expect(await data()).toEqual({
      http_request_duration: [{ type: 'histogram', help: 'How long requests took.', unit: 'seconds' }],
      node_cpu_seconds_total: [{ type: 'counter', help: 'Seconds the CPUs spent in each mode.', unit: '' }],
      node_load1: [
        { type: 'gauge', help: '1m load average.', unit: '' },
        { type: 'gauge', help: 'Load over one minute.', unit: '' },
        { type: 'gauge', help: 'A third wording.', unit: '' },
      ],
    });
    expect(Object.keys(await data())).toEqual(['http_request_duration', 'node_cpu_seconds_total', 'node_load1']);
  });

  it('answers an empty object for an unknown family, an empty store, and metric= as no filter', async () => {
    expect(await get({ metric: 'nothing_here' })).toEqual({ status: 200, text: '{"status":"success","data":{}}' });
    expect(Object.keys(await data({ metric: '' }))).toHaveLength(3);
    const bare = createApp({ storage, registry, now: () => T, engine: DEFAULT_ENGINE, ready: () => true });
    expect(await (await bare.request('/api/v1/metadata')).text()).toBe('{"status":"success","data":{}}');
  });

  it('limits the families: a negative limit is none, 0 gives none back', async () => {
    expect(Object.keys(await data({ limit: '2' }))).toEqual(['http_request_duration', 'node_cpu_seconds_total']);
    expect(Object.keys(await data({ limit: '+1' }))).toEqual(['http_request_duration']);
    expect(await data({ limit: '0' })).toEqual({});
    expect(Object.keys(await data({ limit: '-1' }))).toHaveLength(3);
    expect(Object.keys(await data({ limit: '-7' }))).toHaveLength(3);
    expect(Object.keys(await data({ limit: '' }))).toHaveLength(3);
    expect(Object.keys(await data({ limit: '9223372036854775807' }))).toHaveLength(3);
  });

  it('limits the entries per family when limit_per_metric is positive', async () => {
    const one = await data({ limit_per_metric: '1' });
    expect(Object.values(one).map((e) => e.length)).toEqual([1, 1, 1]);
    expect(one.node_load1).toEqual([{ type: 'gauge', help: '1m load average.', unit: '' }]);
    expect((await data({ metric: 'node_load1', limit_per_metric: '2' })).node_load1).toHaveLength(2);
    expect((await data({ limit_per_metric: '0' })).node_load1).toHaveLength(3);
    expect((await data({ limit_per_metric: '-1' })).node_load1).toHaveLength(3);
    expect(await data({ metric: 'node_load1', limit: '1', limit_per_metric: '1' })).toEqual({ node_load1: [{ type: 'gauge', help: '1m load average.', unit: '' }] });
  });

  it.each([
    [{ limit: 'abc' }, 'limit must be a number'],
    [{ limit: '1.5' }, 'limit must be a number'],
    [{ limit: ' 1' }, 'limit must be a number'],
    [{ limit: '9223372036854775808' }, 'limit must be a number'],
    [{ limit_per_metric: 'few' }, 'limit_per_metric must be a number'],
    [{ limit_per_metric: '1e2' }, 'limit_per_metric must be a number'],
    [{ limit: 'x', limit_per_metric: 'y' }, 'limit must be a number'],
  ])('refuses %j as bad_data', async (query, message) => {
    expect(await get(query)).toEqual({ status: 400, text: JSON.stringify({ status: 'error', errorType: 'bad_data', error: message }) });
  });
});
