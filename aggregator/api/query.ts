import { Hono, type Context } from 'hono';
import { instantQuery, rangeQuery, type EngineOptions, type QueryResult } from '../../promql/engine.ts';
import { QueryError } from '../../promql/errors.ts';
import type { Queryable } from '../../promql/queryable.ts';
import type { Value } from '../../promql/value.ts';
import { formatScalar, formatTime, formatValue } from './format.ts';
import { parseDuration, parseTime, parseTimeParam, readParams, type Params } from './params.ts';
import { ApiError, failure, success } from './respond.ts';

/** Prometheus refuses range queries with more points per series than this. */
const MAX_POINTS_PER_SERIES = 11_000;

/** Parse errors are reported against the "query" parameter, as Prometheus does; execution errors as they are. */
function run(query: () => QueryResult): QueryResult {
  try {
    return query();
  } catch (err) {
    if (err instanceof QueryError && err.type === 'bad_data' && /parse error|no expression/.test(err.message)) {
      throw new ApiError('bad_data', `invalid parameter "query": ${err.message}`);
    }
    throw err;
  }
}

/** Prometheus' API renders at most this many warnings and as many infos, then says how many it left out. */
const ANNOTATION_LIMITS = { maxWarnings: 10, maxInfos: 10 };

/**
 * Prometheus' `data` for each result type, plus warnings and infos when there are any, with their positions in
 * `query` ("… (1:6)").
 */
function body({ value, annotations }: QueryResult, query: string) {
  const data = { resultType: value.type, result: result(value) };
  const { warnings, infos } = annotations.asStrings(query, ANNOTATION_LIMITS);
  const extra = {
    ...(warnings.length > 0 ? { warnings } : {}),
    ...(infos.length > 0 ? { infos } : {}),
  };
  return { data, extra };
}

function result(value: Value) {
  switch (value.type) {
    case 'scalar':
      return [formatTime(value.t), formatScalar(value.v)];
    case 'string':
      return [formatTime(value.t), value.v];
    case 'vector':
      return value.vector.map((s) => ({ metric: s.metric, value: [formatTime(s.point.t), formatValue(s.point.v)] }));
    case 'matrix':
      return value.matrix.map(({ metric, ts, vs, from, to }) => {
        const values: [number, string][] = [];
        for (let i = from; i < to; i++) values.push([formatTime(ts[i] as number), formatValue(vs[i] as number)]);
        return { metric, values };
      });
  }
}

/**
 * The server's limits, narrowed by the request as Prometheus allows: `timeout` can only shorten the server's
 * query timeout, `lookback_delta` replaces the lookback for this query.
 */
function requestOptions(engine: EngineOptions, params: Params): EngineOptions {
  const timeout = params.get('timeout');
  const lookback = params.get('lookback_delta');
  return {
    ...engine,
    ...(timeout ? { timeoutMs: Math.min(engine.timeoutMs, parseDuration('timeout', timeout)) } : {}),
    ...(lookback ? { lookbackMs: parseDuration('lookback_delta', lookback) } : {}),
  };
}

/** /api/v1/query and /api/v1/query_range, GET and form POST. */
export function queryRoutes(storage: Queryable, now: () => number, engine: EngineOptions): Hono {
  const app = new Hono();

  const instant = async (c: Context) => {
    try {
      const params = await readParams(c);
      const t = parseTimeParam('time', params.get('time'), now());
      const opts = requestOptions(engine, params);
      const query = params.get('query') ?? '';
      const { data, extra } = body(run(() => instantQuery(storage, query, t, opts)), query);
      return success(c, data, extra);
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
      const opts = requestOptions(engine, params);
      const query = params.get('query') ?? '';
      const { data, extra } = body(run(() => rangeQuery(storage, query, start, end, step, opts)), query);
      return success(c, data, extra);
    } catch (err) {
      return failure(c, err);
    }
  };

  app.on(['GET', 'POST'], '/api/v1/query', instant);
  app.on(['GET', 'POST'], '/api/v1/query_range', range);
  return app;
}
