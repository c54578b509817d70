import { Hono } from 'hono';
import type { AgentRegistry } from '../ingest/agent-registry.ts';
import type { Storage } from '../store/storage.ts';
import { NO_METADATA, type MetadataReader } from '../store/metadata.ts';
import type { EngineOptions } from '../../promql/engine.ts';
import { readBuildInfo } from '../build-info.ts';
import { DEFAULT_AGGREGATOR } from '../config.ts';
import { exemplarRoutes } from '../api/exemplars.ts';
import { federateRoutes } from '../api/federate.ts';
import { labelRoutes } from '../api/labels.ts';
import { metadataRoutes } from '../api/metadata.ts';
import { queryRoutes } from '../api/query.ts';
import { querySyntaxRoutes } from '../api/query-syntax.ts';
import { success } from '../api/respond.ts';
import { ruleRoutes } from '../api/rules.ts';
import { seriesRoutes } from '../api/series.ts';
import { statusRoutes, type StatusSources } from '../api/status.ts';
import { dashboardRoutes } from './dashboard.ts';

export interface AppDeps {
  readonly storage: Storage;
  readonly registry: AgentRegistry;
  /** Metric metadata for /api/v1/metadata; without it the API knows none. */
  readonly metadata?: MetadataReader;
  readonly now: () => number;
  /** Lookback and query limits (--query.* flags). */
  readonly engine: EngineOptions;
  /** False until storage is open and the broker listens; /-/ready says so. */
  readonly ready: () => boolean;
  /** Settings, start time and build for /api/v1/status/*; without it, the defaults and a start of now. */
  readonly status?: StatusSources;
  /** POST /api/v1/write (aggregator/remote/receiver.ts); without it the route does not exist. */
  readonly remoteWrite?: Hono;
}

/** The aggregator's whole HTTP surface, testable with app.request() and no socket. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.get('/-/healthy', (c) => c.text('Outpost Aggregator is Healthy.\n'));
  app.get('/-/ready', (c) =>
    deps.ready() ? c.text('Outpost Aggregator is Ready.\n') : c.text('Outpost Aggregator is not ready.\n', 503),
  );
  app.get('/api/agents', (c) => success(c, deps.registry.list()));
  app.route('/', queryRoutes(deps.storage, deps.now, deps.engine));
  app.route('/', labelRoutes(deps.storage));
  app.route('/', seriesRoutes(deps.storage));
  app.route('/', exemplarRoutes());
  app.route('/', ruleRoutes());
  app.route('/', statusRoutes(deps.status ?? { config: DEFAULT_AGGREGATOR, startedAtMs: deps.now(), build: readBuildInfo() }, deps.now));
  app.route('/', federateRoutes(deps.storage, deps.now, deps.engine.lookbackMs));
  app.route('/', querySyntaxRoutes());
  app.route('/', metadataRoutes(deps.metadata ?? NO_METADATA));
  app.route('/', dashboardRoutes());
  if (deps.remoteWrite) app.route('/', deps.remoteWrite);
  app.notFound((c) => c.text('404 page not found\n', 404));
  return app;
}
