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

/**
 * Prometheus' MinTime and MaxTime (web/api/v1), the defaults of optional start and end, in ms; MaxTime ends in
 * …974.999 s, which a double rounds up. Clients send them back in the RFC 3339 spelling below.
 */
export const MIN_TIME_MS = -9_223_309_901_257_974_000;
export const MAX_TIME_MS = 9_223_309_901_257_975_000;
const MIN_TIME_TEXT = '-292273086-05-16T16:47:06Z';
const MAX_TIME_TEXT = '292277025-08-18T07:12:54.999999999Z';

/** Unix seconds (fractions allowed) or RFC 3339, in ms; undefined when the text is neither. */
function timestampMs(text: string): number | undefined {
  if (DECIMAL_RE.test(text)) return Math.round(Number(text) * 1000);
  // RFC 3339 needs a zone: without one, Date.parse would silently read the server's local time.
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) return ms;
  }
  // Years beyond four digits, which Go's time.Parse cannot read either: Prometheus knows just these two.
  if (text === MIN_TIME_TEXT) return MIN_TIME_MS;
  if (text === MAX_TIME_TEXT) return MAX_TIME_MS;
  return undefined;
}

/** A time as Prometheus accepts it: Unix seconds (fractions allowed) or RFC 3339. Returns ms. */
export function parseTime(name: string, text: string | undefined, fallback?: number): number {
  if (text === undefined || text === '') {
    if (fallback !== undefined) return fallback;
    throw invalid(name, 'missing');
  }
  const ms = timestampMs(text);
  if (ms !== undefined) return ms;
  throw invalid(name, `cannot parse ${JSON.stringify(text)} to a valid timestamp`);
}

/** An optional time as Prometheus' parseTimeParam reads it (start and end of series, labels, exemplars). */
export function parseTimeParam(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const ms = timestampMs(text);
  if (ms !== undefined) return ms;
  throw invalid(name, `invalid time value for '${name}': cannot parse ${JSON.stringify(text)} to a valid timestamp`);
}

/** A duration as Prometheus accepts it: seconds (fractions allowed) or `1h30m`-style. Returns ms. */
export function parseDuration(name: string, text: string | undefined): number {
  if (text === undefined || text === '') throw invalid(name, 'missing');
  if (DECIMAL_RE.test(text)) return Math.round(Number(text) * 1000);
  const ms = parseDurationMs(text);
  if (ms !== undefined) return ms;
  throw invalid(name, `cannot parse ${JSON.stringify(text)} to a valid duration`);
}
