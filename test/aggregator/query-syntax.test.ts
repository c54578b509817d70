import { join } from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../aggregator/http/app.ts';
import { openAgentRegistry, type AgentRegistry } from '../../aggregator/ingest/agent-registry.ts';
import { openLmdbStore } from '../../aggregator/store/lmdb-store.ts';
import type { Storage } from '../../aggregator/store/storage.ts';
import { DEFAULT_ENGINE } from '../../promql/engine.ts';
import { tempDir } from '../helpers/tmp.ts';

let dir: ReturnType<typeof tempDir>;
let storage: Storage;
let registry: AgentRegistry;
let app: Hono;

beforeAll(async () => {
  dir = tempDir('query-syntax');
  storage = await openLmdbStore(join(dir.path, 'tsdb'));
  registry = await openAgentRegistry(join(dir.path, 'agents'));
  app = createApp({ storage, registry, now: () => 0, engine: DEFAULT_ENGINE, ready: () => true });
});

afterAll(async () => {
  await storage.close();
  await registry.close();
  dir.remove();
});

async function call(path: string, query: string | undefined, method: 'GET' | 'POST') {
  const params = new URLSearchParams(query === undefined ? {} : { query });
  const res =
    method === 'GET'
      ? await app.request(`${path}?${params}`)
      : await app.request(path, { method, body: params, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  return { status: res.status, text: await res.text() };
}

const error = (message: string) => JSON.stringify({ status: 'error', errorType: 'bad_data', error: message });

describe.each(['GET', 'POST'] as const)('%s /api/v1/format_query', (method) => {
  it('answers the prettified query as a JSON string', async () => {
    const res = await call('/api/v1/format_query', 'sum(rate(x{b="1",a="2"}[90s])) by (job)', method);
    expect(res.status).toBe(200);
    expect(res.text).toBe(JSON.stringify({ status: 'success', data: 'sum by (job) (rate(x{a="2",b="1"}[1m30s]))' }));
  });

  it('splits a query longer than 100 bytes over lines', async () => {
    const long = `${'a'.repeat(60)} + ${'b'.repeat(60)}`;
    const res = await call('/api/v1/format_query', long, method);
    expect(JSON.parse(res.text).data).toBe(`  ${'a'.repeat(60)}\n+\n  ${'b'.repeat(60)}`);
  });

  it('refuses a query that does not parse with Prometheus’ bad_data error', async () => {
    const res = await call('/api/v1/format_query', 'sum(', method);
    expect(res.status).toBe(400);
    expect(res.text).toBe(error('invalid parameter "query": 1:5: parse error: unclosed left parenthesis'));
  });

  it('treats a missing query as the empty one', async () => {
    const res = await call('/api/v1/format_query', undefined, method);
    expect(res.status).toBe(400);
    expect(res.text).toBe(error('invalid parameter "query": unknown position: parse error: no expression found in input'));
  });
});

describe.each(['GET', 'POST'] as const)('%s /api/v1/parse_query', (method) => {
  it('answers the syntax tree', async () => {
    const res = await call('/api/v1/parse_query', '1 + 2', method);
    expect(res.status).toBe(200);
    expect(res.text).toBe(
      JSON.stringify({
        status: 'success',
        data: {
          bool: false,
          lhs: { type: 'numberLiteral', val: '1' },
          matching: null,
          op: '+',
          rhs: { type: 'numberLiteral', val: '2' },
          type: 'binaryExpr',
        },
      }),
    );
  });

  it('refuses a query that does not parse with Prometheus’ bad_data error', async () => {
    const res = await call('/api/v1/parse_query', 'rate(x)', method);
    expect(res.status).toBe(400);
    expect(res.text).toBe(
      error('invalid parameter "query": 1:6: parse error: expected type range vector in call to function "rate", got instant vector'),
    );
  });
});
