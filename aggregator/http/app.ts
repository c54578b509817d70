import { Hono, type MiddlewareHandler } from 'hono';
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
import type { RulesSource } from '../api/rules-view.ts';
import { seriesRoutes } from '../api/series.ts';
import { statusRoutes, type StatusSources } from '../api/status.ts';
import { tsdbStatusRoutes, type TsdbStatusSource } from '../api/tsdb-status.ts';
import { dashboardRoutes } from './dashboard.ts';
import type { DashboardLibrary } from './dashboard-library.ts';
import { dashboardsApiRoutes } from './dashboards-api.ts';

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
  /** Rule groups and alerts for /api/v1/rules and /api/v1/alerts (aggregator/alerts/); without them both are empty. */
  readonly rules?: RulesSource;
  /** Checks credentials before every route (http/auth.ts); without it, everything is open. */
  readonly auth?: MiddlewareHandler;
  /** Dashboard definitions for /api/dashboards; without them the list is empty. */
  readonly dashboards?: Pick<DashboardLibrary, 'list' | 'get'>;
  /** GET /api/v1/status/tsdb (aggregator/store/tsdb-store.ts); without it the route does not exist. */
  readonly tsdbStatus?: TsdbStatusSource;
}

const NO_DASHBOARDS: Pick<DashboardLibrary, 'list' | 'get'> = { list: () => [], get: () => undefined };

/** The aggregator's whole HTTP surface, testable with app.request() and no socket. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  if (deps.auth) app.use('*', deps.auth);
  app.get('/-/healthy', (c) => c.text('Outpost Aggregator is Healthy.\n'));
  app.get('/-/ready', (c) =>
    deps.ready() ? c.text('Outpost Aggregator is Ready.\n') : c.text('Outpost Aggregator is not ready.\n', 503),
  );
  app.get('/api/agents', (c) => success(c, deps.registry.list()));
  app.route('/', queryRoutes(deps.storage, deps.now, deps.engine));
  app.route('/', labelRoutes(deps.storage));
  app.route('/', seriesRoutes(deps.storage));
  app.route('/', exemplarRoutes());
  app.route('/', ruleRoutes(deps.rules));
  app.route('/', statusRoutes(deps.status ?? { config: DEFAULT_AGGREGATOR, startedAtMs: deps.now(), build: readBuildInfo() }, deps.now));
  app.route('/', federateRoutes(deps.storage, deps.now, deps.engine.lookbackMs));
  app.route('/', querySyntaxRoutes());
  app.route('/', metadataRoutes(deps.metadata ?? NO_METADATA));
  app.route('/', dashboardRoutes());
  app.route('/', dashboardsApiRoutes(deps.dashboards ?? NO_DASHBOARDS));
  if (deps.remoteWrite) app.route('/', deps.remoteWrite);
  if (deps.tsdbStatus) app.route('/', tsdbStatusRoutes(deps.tsdbStatus));
  app.notFound((c) => c.text('404 page not found\n', 404));
  return app;
}
