import { describe, expect, it } from 'vitest';
import { queryRoutes } from '../../aggregator/api/query.ts';
import { DEFAULT_ENGINE, type EngineOptions } from '../../promql/engine.ts';
import { memoryStorage } from '../../promql/memory-storage.ts';
import type { Queryable } from '../../promql/queryable.ts';
import { columnsOf } from '../../promql/columns.ts';

const T = 1_700_000_000_000;
const S = T / 1000;

function data() {
  const q = memoryStorage();
  for (let i = 0; i < 10; i++) for (let m = 1; m <= 10; m++) q.append({ __name__: 'x', i: String(i) }, T - 600_000 + m * 60_000, m);
  return q;
}

async function get(storage: Queryable, engine: Partial<EngineOptions>, path: string, params: Record<string, string>) {
  const app = queryRoutes(storage, () => T, { ...DEFAULT_ENGINE, ...engine });
  const res = await app.request(`${path}?${new URLSearchParams(params)}`);
  return { status: res.status, body: await res.json() };
}

describe('query limits over HTTP', () => {
  it('answers 422 execution when a query would hold more than --query.max-samples', async () => {
    // The 5m lookback selects 5 samples of each of the 10 series: 50.
    const res = await get(data(), { maxSamples: 49 }, '/api/v1/query', { query: 'sum(x)', time: String(S) });
    expect(res).toEqual({
      status: 422,
      body: { status: 'error', errorType: 'execution', error: 'query processing would load too many samples into memory in query execution' },
    });
    expect((await get(data(), { maxSamples: 50 }, '/api/v1/query', { query: 'sum(x)', time: String(S) })).status).toBe(200);
  });

  it('answers 503 timeout when the request’s timeout is shorter than the query takes', async () => {
    const slow: Queryable = {
      *select() {
        const until = performance.now() + 30;
        while (performance.now() < until);
        yield { labels: { __name__: 'x' }, ...columnsOf([{ t: T - 1000, v: 1, stale: false }]) };
      },
    };
    const params = { query: 'x', start: String(S - 600), end: String(S), step: '60' };
    const res = await get(slow, {}, '/api/v1/query_range', { ...params, timeout: '10ms' });
    expect(res).toEqual({ status: 503, body: { status: 'error', errorType: 'timeout', error: 'query timed out in expression evaluation' } });
    // The server's own limit wins when the request asks for more.
    expect((await get(slow, { timeoutMs: 10 }, '/api/v1/query_range', { ...params, timeout: '1h' })).status).toBe(503);
    expect((await get(slow, {}, '/api/v1/query_range', params)).status).toBe(200);
  });

  it('takes the lookback from the server and lets lookback_delta change it per request', async () => {
    // The newest sample is at T; asked at T + 2m it is found with the default 5m lookback, not with 1m.
    const at = { query: 'x{i="0"}', time: String(S + 120) };
    const found = (r: { body: { data: { result: unknown[] } } }) => r.body.data.result.length;
    expect(found(await get(data(), {}, '/api/v1/query', at))).toBe(1);
    expect(found(await get(data(), { lookbackMs: 60_000 }, '/api/v1/query', at))).toBe(0);
    expect(found(await get(data(), {}, '/api/v1/query', { ...at, lookback_delta: '1m' }))).toBe(0);
    const bad = await get(data(), {}, '/api/v1/query', { ...at, lookback_delta: 'soon' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid parameter "lookback_delta": cannot parse "soon" to a valid duration');
  });
});
