import { Hono, type Context } from 'hono';
import type { Matcher } from '../../promql/matcher.ts';
import type { Storage } from '../store/storage.ts';
import { readParams } from './params.ts';
import { ApiError, failure, success } from './respond.ts';
import { parseLimit, parseMatchers, parseRange, truncate } from './selection.ts';

/** match[] as parseMatchers reads them; unlike the label endpoints, this one names the parameter in errors. */
function namedMatchers(texts: readonly string[]): Matcher[][] {
  try {
    return parseMatchers(texts);
  } catch (err) {
    if (err instanceof ApiError) throw new ApiError('bad_data', `invalid parameter "match[]": ${err.message}`);
    throw err;
  }
}

/** /api/v1/series, GET and form POST: the label sets of series with samples between start and end. */
export function seriesRoutes(storage: Storage): Hono {
  const app = new Hono();
  const series = async (c: Context) => {
    try {
      const params = await readParams(c);
      const match = params.all('match[]');
      if (match.length === 0) throw new ApiError('bad_data', 'no match[] parameter provided');
      const limit = parseLimit(params.get('limit'));
      const range = parseRange(params);
      const { data, extra } = truncate(storage.series(namedMatchers(match), range), limit);
      return success(c, data, extra);
    } catch (err) {
      return failure(c, err);
    }
  };
  app.on(['GET', 'POST'], '/api/v1/series', series);
  return app;
}
