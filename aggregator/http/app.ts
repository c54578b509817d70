import { Hono } from 'hono';
import type { AgentRegistry } from '../ingest/agent-registry.ts';
import type { Storage } from '../store/storage.ts';
import { labelRoutes } from '../api/labels.ts';
import { queryRoutes } from '../api/query.ts';
import { success } from '../api/respond.ts';
import { dashboardRoutes } from './dashboard.ts';

export interface AppDeps {
  readonly storage: Storage;
  readonly registry: AgentRegistry;
  readonly now: () => number;
  /** False until storage is open and the broker listens; /-/ready says so. */
  readonly ready: () => boolean;
}

/** The aggregator's whole HTTP surface, testable with app.request() and no socket. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.get('/-/healthy', (c) => c.text('Outpost Aggregator is Healthy.\n'));
  app.get('/-/ready', (c) =>
    deps.ready() ? c.text('Outpost Aggregator is Ready.\n') : c.text('Outpost Aggregator is not ready.\n', 503),
  );
  app.get('/api/agents', (c) => success(c, deps.registry.list()));
  app.route('/', queryRoutes(deps.storage, deps.now));
  app.route('/', labelRoutes(deps.storage));
  app.route('/', dashboardRoutes());
  app.notFound((c) => c.text('404 page not found\n', 404));
  return app;
}
