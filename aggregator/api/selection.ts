// The parameters the metadata endpoints share (series, labels, label values): match[], start, end and limit,
// checked and worded as Prometheus' web/api/v1 checks them.
import { QueryError } from '../../promql/errors.ts';
import type { Matcher } from '../../promql/matcher.ts';
import { parseSeriesSelector } from '../../promql/selector.ts';
import type { TimeRange } from '../store/storage.ts';
import { MAX_TIME_MS, MIN_TIME_MS, parseTimeParam, type Params } from './params.ts';
import { ApiError } from './respond.ts';

const INT64_MAX = 2n ** 63n - 1n;

/**
 * match[] selectors. A selector whose matchers all match the empty string would select every series without the
 * label, so Prometheus refuses it here, though its query parser would take it.
 */
export function parseMatchers(texts: readonly string[]): Matcher[][] {
  return texts.map((text) => {
    let matchers: readonly Matcher[];
    try {
      matchers = parseSeriesSelector(text);
    } catch (err) {
      if (err instanceof QueryError) throw new ApiError('bad_data', err.message);
      throw err;
    }
    if (!matchers.some((m) => !m.matches(''))) throw new ApiError('bad_data', 'match[] must contain at least one non-empty matcher');
    return [...matchers];
  });
}

/** start and end, each optional (Prometheus' MinTime and MaxTime when absent). */
export function parseRange(params: Params): TimeRange {
  return {
    mint: parseTimeParam('start', params.get('start'), MIN_TIME_MS),
    maxt: parseTimeParam('end', params.get('end'), MAX_TIME_MS),
  };
}

/** limit: a non-negative integer as Go's strconv.Atoi reads it; 0 (or absent) means none. */
export function parseLimit(text: string | undefined): number {
  if (text === undefined || text === '') return 0;
  const invalid = (why: string) => new ApiError('bad_data', `invalid parameter "limit": ${why}`);
  if (!/^[+-]?\d+$/.test(text)) throw invalid(`strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`);
  const n = BigInt(text);
  if (n > INT64_MAX || n < -INT64_MAX - 1n) throw invalid(`strconv.Atoi: parsing ${JSON.stringify(text)}: value out of range`);
  if (n < 0n) throw invalid('limit must be non-negative');
  return Number(n);
}

/** The first `limit` items, and Prometheus 3's warning when that cut any off. */
export function truncate<T>(items: T[], limit: number): { data: T[]; extra: { warnings?: string[] } } {
  if (limit === 0 || items.length <= limit) return { data: items, extra: {} };
  return { data: items.slice(0, limit), extra: { warnings: ['results truncated due to limit'] } };
}
