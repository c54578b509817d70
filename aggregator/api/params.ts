import { parseDurationMs } from '../../promql/duration.ts';
import type { Context } from 'hono';
import { ApiError } from './respond.ts';

/** Request parameters from the query string and, for POST, a form-encoded body (Grafana posts forms). */
export interface Params {
  get(name: string): string | undefined;
  all(name: string): string[];
}

export async function readParams(c: Context): Promise<Params> {
  const url = new URL(c.req.url);
  const values = new Map<string, string[]>();
  const add = (key: string, value: string) => values.set(key, [...(values.get(key) ?? []), value]);
  for (const [k, v] of url.searchParams) add(k, v);
  if (c.req.method === 'POST' && (c.req.header('content-type') ?? '').includes('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(await c.req.text())) add(k, v);
  }
  return {
    get: (name) => values.get(name)?.[0],
    all: (name) => values.get(name) ?? [],
  };
}

// Plain decimal seconds only: Number() would also take "", " ", "0x10" and "Infinity".
const DECIMAL_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

const invalid = (name: string, message: string) => new ApiError('bad_data', `invalid parameter ${JSON.stringify(name)}: ${message}`);

/** A time as Prometheus accepts it: Unix seconds (fractions allowed) or RFC 3339. Returns ms. */
export function parseTime(name: string, text: string | undefined, fallback?: number): number {
  if (text === undefined || text === '') {
    if (fallback !== undefined) return fallback;
    throw invalid(name, 'missing');
  }
  if (DECIMAL_RE.test(text)) return Math.round(Number(text) * 1000);
  // RFC 3339 needs a zone: without one, Date.parse would silently read the server's local time.
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) return ms;
  }
  throw invalid(name, `cannot parse ${JSON.stringify(text)} to a valid timestamp`);
}

/** A duration as Prometheus accepts it: seconds (fractions allowed) or `1h30m`-style. Returns ms. */
export function parseDuration(name: string, text: string | undefined): number {
  if (text === undefined || text === '') throw invalid(name, 'missing');
  if (DECIMAL_RE.test(text)) return Math.round(Number(text) * 1000);
  const ms = parseDurationMs(text);
  if (ms !== undefined) return ms;
  throw invalid(name, `cannot parse ${JSON.stringify(text)} to a valid duration`);
}
