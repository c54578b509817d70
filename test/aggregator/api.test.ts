import { join } from 'node:path';
import type { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../aggregator/http/app.ts';
import { openAgentRegistry, type AgentRegistry } from '../../aggregator/ingest/agent-registry.ts';
import { openLmdbStore } from '../../aggregator/store/lmdb-store.ts';
import type { Storage } from '../../aggregator/store/storage.ts';
import { buildBatch } from '../../protocol/batch.ts';
import { DEFAULT_ENGINE } from '../../promql/engine.ts';
import { tempDir } from '../helpers/tmp.ts';

const T = 1_700_000_000_000; // 2023-11-14T22:13:20Z
const S = T / 1000;

let dir: ReturnType<typeof tempDir>;
let storage: Storage;
let registry: AgentRegistry;
let app: Hono;
let isReady: boolean;

beforeEach(async () => {
  dir = tempDir('api');
  storage = await openLmdbStore(join(dir.path, 'tsdb'));
  registry = await openAgentRegistry(join(dir.path, 'agents'));
  isReady = false;
  app = createApp({ storage, registry, now: () => T + 30_000, engine: DEFAULT_ENGINE, ready: () => isReady });
  await storage.appendBatch(
    buildBatch('a1', 1, [
      { labels: { __name__: 'up', instance: 'h1', job: 'node' }, v: 1, t: T },
      { labels: { __name__: 'up', instance: 'h2', job: 'db' }, v: 0, t: T },
      { labels: { __name__: 'temp', zone: 'x' }, v: 1e21, t: T },
      { labels: { __name__: 'up', instance: 'h1', job: 'node' }, v: 2.5, t: T + 15_000 },
      { labels: { __name__: 'up', instance: 'h2', job: 'db' }, v: 0, t: T + 15_000, stale: true },
      { labels: { __name__: 'temp', zone: 'x' }, v: NaN, t: T + 15_000 },
    ]),
  );
});

afterEach(async () => {
  await storage.close();
  await registry.close();
  dir.remove();
});

async function get(url: string, init?: RequestInit) {
  const res = await app.request(url, init);
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

const q = (path: string, params: Record<string, string>) => `${path}?${new URLSearchParams(params)}`;
const error = (message: string) => JSON.stringify({ status: 'error', errorType: 'bad_data', error: message });

describe('/api/v1/query', () => {
  it('answers a vector in Prometheus’ exact JSON', async () => {
    const res = await get(q('/api/v1/query', { query: 'up{job="node"}', time: String(S + 10) }));
    expect(res.status).toBe(200);
    expect(res.type).toContain('application/json');
    expect(res.text).toBe(
      `{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","instance":"h1","job":"node"},"value":[${S + 10},"1"]}]}}`,
    );
  });

  it('accepts fractional unix seconds and RFC 3339 times, and defaults to now', async () => {
    const at = async (time?: string) => {
      const res = await get(q('/api/v1/query', time === undefined ? { query: 'up' } : { query: 'up', time }));
      expect(res.status).toBe(200);
      return JSON.parse(res.text).data.result.map((r: { value: [number, string] }) => r.value);
    };
    expect(await at(`${S + 15}.25`)).toEqual([[S + 15.25, '2.5']]);
    expect(await at('2023-11-14T22:13:21Z')).toEqual([[S + 1, '1'], [S + 1, '0']]);
    expect(await at('2023-11-15T00:13:35.5+02:00')).toEqual([[S + 15.5, '2.5']]);
    expect(await at()).toEqual([[S + 30, '2.5']]);
  });

  it('rejects unparseable and zone-less times', async () => {
    for (const time of ['yesterday', '2023-11-14T22:13:21']) {
      const res = await get(q('/api/v1/query', { query: 'up', time }));
      expect(res.status).toBe(400);
      expect(res.text).toBe(error(`invalid parameter "time": invalid time value for 'time': cannot parse ${JSON.stringify(time)} to a valid timestamp`));
    }
  });

  it('reads a form-encoded POST, as Grafana sends it', async () => {
    const res = await get('/api/v1/query', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: 'temp', time: String(S) }).toString(),
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).data.result).toEqual([{ metric: { __name__: 'temp', zone: 'x' }, value: [S, '1e+21'] }]);
    const nan = await get(q('/api/v1/query', { query: 'temp', time: String(S + 15) }));
    expect(JSON.parse(nan.text).data.result[0].value).toEqual([S + 15, 'NaN']);
  });

  it('says exactly why a query does not parse', async () => {
    const res = await get(q('/api/v1/query', { query: 'up{' }));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toEqual({ status: 'error', errorType: 'bad_data', error: expect.any(String) });
    expect(res.text).toMatch(/^\{"status":"error","errorType":"bad_data","error":"invalid parameter \\"query\\": 1:4: parse error: .+"\}$/);
    const wrongType = await get(q('/api/v1/query', { query: 'rate(up)' }));
    expect(wrongType.status).toBe(400);
    expect(JSON.parse(wrongType.text).error).toBe('invalid parameter "query": 1:6: parse error: expected type range vector in call to function "rate", got instant vector');
  });
});

describe('/api/v1/query_range', () => {
  it('answers a matrix with a value at each step', async () => {
    const res = await get(q('/api/v1/query_range', { query: 'up', start: String(S - 10), end: String(S + 20), step: '10' }));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          { metric: { __name__: 'up', instance: 'h1', job: 'node' }, values: [[S, '1'], [S + 10, '1'], [S + 20, '2.5']] },
          { metric: { __name__: 'up', instance: 'h2', job: 'db' }, values: [[S, '0'], [S + 10, '0']] },
        ],
      },
    });
  });

  it('takes durations and RFC 3339 bounds', async () => {
    const res = await get(q('/api/v1/query_range', { query: 'up{instance="h1"}', start: '2023-11-14T22:13:20Z', end: String(S + 60), step: '30s' }));
    expect(JSON.parse(res.text).data.result[0].values).toEqual([[S, '1'], [S + 30, '2.5'], [S + 60, '2.5']]);
  });

  it.each([
    [{ start: String(S), end: String(S - 1), step: '10' }, 'invalid parameter "end": end timestamp must not be before start time'],
    [{ start: String(S), end: String(S + 10), step: '0' }, 'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer'],
    [{ start: String(S), end: String(S + 10), step: '-5' }, 'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer'],
    [{ start: '0', end: '11001', step: '1' }, 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)'],
    [{ start: String(S), end: String(S + 10), step: 'often' }, 'invalid parameter "step": cannot parse "often" to a valid duration'],
    [{ end: String(S), step: '10' }, 'invalid parameter "start": missing'],
  ])('rejects %j', async (params, message) => {
    const res = await get(q('/api/v1/query_range', { query: 'up', ...params }));
    expect(res.status).toBe(400);
    expect(res.text).toBe(error(message));
  });

  it('allows 11,000 steps (and the fraction of one more) like Prometheus', async () => {
    for (const end of ['11000', '11000.5']) {
      const res = await get(q('/api/v1/query_range', { query: 'up', start: '0', end, step: '1' }));
      expect(res.status).toBe(200);
    }
  });
});

describe('health, readiness and agents', () => {
  it('is healthy at once and ready only when told', async () => {
    expect((await get('/-/healthy')).status).toBe(200);
    expect((await get('/-/ready')).status).toBe(503);
    isReady = true;
    expect((await get('/-/ready')).status).toBe(200);
    expect((await get('/no/such/page')).status).toBe(404);
  });

  it('lists agents from the registry', async () => {
    registry.batchStored('b2', 5, 10, T, 1);
    registry.statusChanged('a1', true, T + 1, 2);
    expect(JSON.parse((await get('/api/agents')).text)).toEqual({
      status: 'success',
      data: [
        { agent: 'a1', online: true, lastSeen: T + 1, lastSeq: null, batches: 0, samples: 0, rejected: 0, duplicates: 0 },
        { agent: 'b2', online: true, lastSeen: T, lastSeq: 5, batches: 1, samples: 10, rejected: 0, duplicates: 0 },
      ],
    });
  });
});

describe('Prometheus conventions the agent does not control', () => {
  it('returns labels sorted by name whatever order the agent sent', async () => {
    await storage.appendBatch(buildBatch('a1', 2, [{ labels: { zone: 'b', __name__: 'w', app: 'c' }, v: 3, t: T }]));
    const res = await get(q('/api/v1/query', { query: 'w', time: String(S) }));
    expect(res.text).toContain('"metric":{"__name__":"w","app":"c","zone":"b"}');
  });

  it('refuses times that are not decimal seconds or RFC 3339', async () => {
    for (const time of [' ', '0x10', 'Infinity', '2023-11-14T22:13:20']) {
      const res = await get(q('/api/v1/query', { query: 'up', time }));
      expect(res.status, time).toBe(400);
      expect(res.text).toContain('invalid parameter \\"time\\"');
    }
  });
});
