import { Hono } from 'hono';
import { ApiError, failure, success } from '../api/respond.ts';
import type { DashboardLibrary } from './dashboard-library.ts';

/** GET /api/dashboards (the list) and /api/dashboards/<id> (one definition), in the Prometheus API's envelope. */
export function dashboardsApiRoutes(library: Pick<DashboardLibrary, 'list' | 'get'>): Hono {
  const app = new Hono();
  app.get('/api/dashboards', (c) => success(c, library.list()));
  app.get('/api/dashboards/:id', (c) => {
    const id = c.req.param('id');
    const dashboard = library.get(id);
    if (!dashboard) return failure(c, new ApiError('not_found', `no dashboard ${JSON.stringify(id)}: GET /api/dashboards lists them`));
    return success(c, { id, ...dashboard });
  });
  return app;
}
