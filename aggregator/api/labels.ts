import { Hono, type Context } from 'hono';
import type { Storage } from '../store/storage.ts';
import { labelNameFromPath } from './label-name.ts';
import { readParams } from './params.ts';
import { failure, success } from './respond.ts';
import { parseLimit, parseMatchers, parseRange, truncate } from './selection.ts';

const VALUES_PATH = /^\/api\/v1\/label\/([^/]*)\/values$/;

/** /api/v1/labels and /api/v1/label/<name>/values, with match[], start, end and limit. */
export function labelRoutes(storage: Storage): Hono {
  const app = new Hono();

  const names = async (c: Context) => {
    try {
      const params = await readParams(c);
      const limit = parseLimit(params.get('limit'));
      const range = parseRange(params);
      const selectors = parseMatchers(params.all('match[]'));
      const { data, extra } = truncate(storage.labelNames(selectors, range), limit);
      return success(c, data, extra);
    } catch (err) {
      return failure(c, err);
    }
  };

  app.on(['GET', 'POST'], '/api/v1/labels', names);
  app.get('/api/v1/label/:name/values', async (c) => {
    try {
      // The raw path, not the decoded parameter: a name that is not UTF-8 must be seen to be refused.
      const name = labelNameFromPath(VALUES_PATH.exec(new URL(c.req.url).pathname)?.[1] ?? '');
      const params = await readParams(c);
      const limit = parseLimit(params.get('limit'));
      const range = parseRange(params);
      const selectors = parseMatchers(params.all('match[]'));
      const { data, extra } = truncate(storage.labelValues(name, selectors, range), limit);
      return success(c, data, extra);
    } catch (err) {
      return failure(c, err);
    }
  });
  return app;
}
