import { Hono } from 'hono';
import type { TsdbStatus } from '../store/tsdb-stats.ts';
import { ApiError, failure } from './respond.ts';

export interface TsdbStatusSource {
  status(limit: number): TsdbStatus;
}

/** Prometheus' bounds on the `limit` parameter (web/api/v1 serveTSDBStatus). */
const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 10_000;

// What Prometheus' head reports for its time range while empty (math.MaxInt64 and MinInt64), written as JSON
// text: a JavaScript number cannot hold them exactly.
const EMPTY_MIN = '9223372036854775807';
const EMPTY_MAX = '-9223372036854775808';

/**
 * GET /api/v1/status/tsdb: Prometheus' cardinality page (headStats and the four top lists, `limit` entries each)
 * over the whole store, followed by Outpost's own figures: samples, bytes on disk, bytes per sample and counters.
 */
export function tsdbStatusRoutes(source: TsdbStatusSource): Hono {
  const app = new Hono();
  app.get('/api/v1/status/tsdb', (c) => {
    const text = c.req.query('limit');
    let limit = DEFAULT_LIMIT;
    if (text !== undefined && text !== '') {
      // Go's strconv.Atoi: an optional sign and decimal digits.
      limit = /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
      if (!(limit >= 1)) return failure(c, new ApiError('bad_data', 'limit must be a positive number'));
      if (limit > MAX_LIMIT) return failure(c, new ApiError('bad_data', `limit must not exceed ${MAX_LIMIT}`));
    }
    const s = source.status(limit);
    const { minTime, maxTime } = s.headStats;
    const data = {
      headStats: { ...s.headStats, minTime: minTime ?? EMPTY_MIN, maxTime: maxTime ?? EMPTY_MAX },
      seriesCountByMetricName: s.seriesCountByMetricName,
      labelValueCountByLabelName: s.labelValueCountByLabelName,
      memoryInBytesByLabelName: s.memoryInBytesByLabelName,
      seriesCountByLabelValuePair: s.seriesCountByLabelValuePair,
      samples: s.samples,
      bytes: s.bytes,
      bytesPerSample: s.bytesPerSample,
      counters: s.counters,
    };
    const body = JSON.stringify({ status: 'success', data })
      .replace(`"minTime":"${EMPTY_MIN}"`, `"minTime":${EMPTY_MIN}`)
      .replace(`"maxTime":"${EMPTY_MAX}"`, `"maxTime":${EMPTY_MAX}`);
    return c.body(body, 200, { 'Content-Type': 'application/json' });
  });
  return app;
}
