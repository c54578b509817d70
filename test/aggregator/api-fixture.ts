import { join } from 'node:path';
import type { Hono } from 'hono';
import { createApp, type AppDeps } from '../../aggregator/http/app.ts';
import { openAgentRegistry, type AgentRegistry } from '../../aggregator/ingest/agent-registry.ts';
import { openTsdbStore, type TsdbStore } from '../../aggregator/store/tsdb-store.ts';
import { buildBatch, type CollectedSample } from '../../protocol/batch.ts';
import { DEFAULT_ENGINE } from '../../promql/engine.ts';
import { tempDir } from '../helpers/tmp.ts';

/** An aggregator HTTP app over a fresh TSDB store, for app.request() tests; close() removes everything. */
export interface ApiFixture {
  readonly app: Hono;
  readonly storage: TsdbStore;
  /** Stores samples as one batch from agent `a1` (each call its own seq). */
  append(samples: readonly CollectedSample[]): Promise<void>;
  request(url: string, init?: RequestInit): Promise<{ status: number; type: string; headers: Headers; text: string; json: () => any }>;
  close(): Promise<void>;
}

export async function openApiFixture(deps: Partial<Pick<AppDeps, 'now' | 'engine' | 'status'>> = {}): Promise<ApiFixture> {
  const dir = tempDir('api');
  // Tests write samples of any age into one series: no out-of-order window refuses them.
  const storage = await openTsdbStore(join(dir.path, 'tsdb'), { outOfOrderWindowMs: Infinity });
  const registry: AgentRegistry = await openAgentRegistry(join(dir.path, 'agents'));
  const app = createApp({ storage, registry, now: () => 0, engine: DEFAULT_ENGINE, ready: () => true, tsdbStatus: storage, ...deps });
  let seq = 0;
  return {
    app,
    storage,
    async append(samples) {
      await storage.appendBatch(buildBatch('a1', ++seq, samples));
    },
    async request(url, init) {
      const res = await app.request(url, init);
      const text = await res.text();
      return { status: res.status, type: res.headers.get('content-type') ?? '', headers: res.headers, text, json: () => JSON.parse(text) };
    },
    async close() {
      await storage.close();
      await registry.close();
      dir.remove();
    },
  };
}

/** A query string with repeated keys, as match[] needs. */
export const query = (path: string, params: readonly (readonly [string, string])[]) => `${path}?${new URLSearchParams(params.map(([k, v]) => [k, v]))}`;

/** The same parameters as a form-encoded POST, as Grafana sends them. */
export const formPost = (params: readonly (readonly [string, string])[]): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(params.map(([k, v]) => [k, v])).toString(),
});

/** Prometheus' error body. */
export const apiError = (message: string, errorType = 'bad_data') => JSON.stringify({ status: 'error', errorType, error: message });
