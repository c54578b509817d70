import { Hono, type Context } from 'hono';
import { evalInstant, evalRange } from '../../promql/engine.ts';
import { QueryError } from '../../promql/errors.ts';
import { parseExpr } from '../../promql/parse.ts';
import type { Queryable } from '../../promql/queryable.ts';
import { formatTime, formatValue } from './format.ts';
import { parseDuration, parseTime, readParams } from './params.ts';
import { ApiError, failure, success } from './respond.ts';

/** Prometheus refuses range queries with more points per series than this. */
const MAX_POINTS_PER_SERIES = 11_000;

function parseQuery(text: string | undefined) {
  try {
    return parseExpr(text ?? '');
  } catch (err) {
    if (err instanceof QueryError) throw new ApiError('bad_data', `invalid parameter "query": ${err.message}`);
    throw err;
  }
}

/** /api/v1/query and /api/v1/query_range, GET and form POST. */
export function queryRoutes(storage: Queryable, now: () => number): Hono {
  const app = new Hono();

  const instant = async (c: Context) => {
    try {
      const params = await readParams(c);
      const expr = parseQuery(params.get('query'));
      const t = parseTime('time', params.get('time'), now());
      const result = evalInstant(storage, expr, t).map((s) => ({
        metric: s.metric,
        value: [formatTime(s.point.t), formatValue(s.point.v)],
      }));
      return success(c, { resultType: 'vector', result });
    } catch (err) {
      return failure(c, err);
    }
  };

  const range = async (c: Context) => {
    try {
      const params = await readParams(c);
      const start = parseTime('start', params.get('start'));
      const end = parseTime('end', params.get('end'));
      if (end < start) throw new ApiError('bad_data', 'invalid parameter "end": end timestamp must not be before start time');
      const step = parseDuration('step', params.get('step'));
      if (step <= 0) {
        throw new ApiError('bad_data', 'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer');
      }
      // Integer division, as Prometheus divides time.Durations.
      if (Math.floor((end - start) / step) > MAX_POINTS_PER_SERIES) {
        throw new ApiError('bad_data', 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
      }
      const expr = parseQuery(params.get('query'));
      const result = evalRange(storage, expr, start, end, step).map((s) => ({
        metric: s.metric,
        values: s.points.map((p) => [formatTime(p.t), formatValue(p.v)]),
      }));
      return success(c, { resultType: 'matrix', result });
    } catch (err) {
      return failure(c, err);
    }
  };

  app.on(['GET', 'POST'], '/api/v1/query', instant);
  app.on(['GET', 'POST'], '/api/v1/query_range', range);
  return app;
}
