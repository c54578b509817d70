import { Hono } from 'hono';
import type { FamilyMetadata } from '../../protocol/metadata.ts';
import type { MetadataReader } from '../store/metadata.ts';
import { readParams } from './params.ts';
import { ApiError, failure, success } from './respond.ts';

// Go's strconv.Atoi: an optional sign and decimal digits, nothing else, within int64.
const GO_INT_RE = /^[+-]?[0-9]+$/;
const INT64_MAX = 2n ** 63n - 1n;

/** An integer parameter as Prometheus reads one: absent or empty gives the fallback, anything else must parse. */
function intParam(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  if (GO_INT_RE.test(text)) {
    const n = BigInt(text);
    if (n <= INT64_MAX && n >= -INT64_MAX - 1n) return Number(n);
  }
  throw new ApiError('bad_data', `${name} must be a number`);
}

/**
 * /api/v1/metadata (web/api/v1/api.go metricMetadata): every family, or only the one `metric` names; at most
 * `limit` families when limit ≥ 0 (so 0 gives none) and at most `limit_per_metric` entries each when it is > 0.
 * Prometheus keeps whichever families and entries its maps yield first; this keeps the first names in sorted order
 * and each family's oldest entries.
 */
export function metadataRoutes(metadata: MetadataReader): Hono {
  const app = new Hono();
  app.get('/api/v1/metadata', async (c) => {
    try {
      const params = await readParams(c);
      const limit = intParam('limit', params.get('limit'), -1);
      const perMetric = intParam('limit_per_metric', params.get('limit_per_metric'), -1);
      const metric = params.get('metric') ?? '';
      const names = metric === '' ? metadata.names() : [metric];
      // No prototype: `__proto__` is a valid metric name and must become a key like any other.
      const data: Record<string, FamilyMetadata[]> = Object.create(null);
      let count = 0;
      for (const name of names) {
        if (limit >= 0 && count >= limit) break;
        const entries = metadata.entries(name);
        if (entries.length === 0) continue;
        const kept = perMetric > 0 ? entries.slice(0, perMetric) : entries;
        data[name] = kept.map(({ type, help, unit }) => ({ type, help, unit }));
        count++;
      }
      return success(c, data);
    } catch (err) {
      return failure(c, err);
    }
  });
  return app;
}
