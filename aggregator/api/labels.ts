import { Hono, type Context } from 'hono';
import { isValidLabelName } from '../../protocol/labels.ts';
import { QueryError } from '../../promql/errors.ts';
import type { Matcher } from '../../promql/matcher.ts';
import { parseSeriesSelector } from '../../promql/selector.ts';
import type { Storage } from '../store/storage.ts';
import { readParams, type Params } from './params.ts';
import { ApiError, failure, success } from './respond.ts';

function selectors(params: Params): Matcher[][] {
  return params.all('match[]').map((text) => {
    try {
      return [...parseSeriesSelector(text)];
    } catch (err) {
      if (err instanceof QueryError) throw new ApiError('bad_data', `invalid parameter "match[]": ${err.message}`);
      throw err;
    }
  });
}

/** /api/v1/labels and /api/v1/label/<name>/values. */
export function labelRoutes(storage: Storage): Hono {
  const app = new Hono();

  const names = async (c: Context) => {
    try {
      return success(c, storage.labelNames(selectors(await readParams(c))));
    } catch (err) {
      return failure(c, err);
    }
  };

  app.on(['GET', 'POST'], '/api/v1/labels', names);
  app.get('/api/v1/label/:name/values', async (c) => {
    try {
      const name = c.req.param('name');
      if (name !== '__name__' && !isValidLabelName(name)) {
        throw new ApiError('bad_data', `invalid label name: ${JSON.stringify(name)}`);
      }
      return success(c, storage.labelValues(name, selectors(await readParams(c))));
    } catch (err) {
      return failure(c, err);
    }
  });
  return app;
}
