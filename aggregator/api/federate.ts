import { Hono } from 'hono';
import { formatExposition } from '../../agent/collect/scrape/expfmt.ts';
import type { MetricFamilyMeta, ParsedSample } from '../../agent/collect/scrape/expfmt.ts';
import { labelsKey, METRIC_NAME, sortedPairs, type Labels } from '../../protocol/labels.ts';
import { isStale } from '../../promql/columns.ts';
import { compareLabels } from '../../promql/functions/misc.ts';
import { QueryError } from '../../promql/errors.ts';
import type { Matcher } from '../../promql/matcher.ts';
import type { Queryable } from '../../promql/queryable.ts';
import { parseSeriesSelector } from '../../promql/selector.ts';
import { readParams } from './params.ts';

const TEXT_FORMAT = 'text/plain; version=0.0.4; charset=utf-8';
const ESCAPINGS = new Set(['allow-utf-8', 'underscores', 'dots', 'values']);

/**
 * The Content-Type Prometheus 3 (prometheus/common's expfmt.Negotiate) gives the text format: with the name
 * escaping scheme of the Accept header's clauses up to the one the text format satisfies, else `underscores`.
 * Only the text format is served here; Outpost has no protobuf encoder.
 */
export function federationContentType(accept: string | undefined): string {
  const clauses = (accept ?? '')
    .split(',')
    .map((clause) => {
      const [type = '', ...rest] = clause.split(';').map((p) => p.trim());
      const params = new Map(rest.map((p) => p.split('=').map((x) => x.trim()) as [string, string]));
      return { type: type.toLowerCase(), params, q: Number(params.get('q') ?? '1') };
    })
    .filter((c) => c.type !== '')
    .sort((a, b) => b.q - a.q);
  let escaping = 'underscores';
  for (const { type, params } of clauses) {
    const scheme = params.get('escaping');
    if (scheme !== undefined && ESCAPINGS.has(scheme)) escaping = scheme;
    const version = params.get('version') ?? '0.0.4';
    if (type === '*/*' || type === 'text/*' || (type === 'text/plain' && version === '0.0.4')) break;
  }
  return `${TEXT_FORMAT}; escaping=${escaping}`;
}

/** Prometheus' http.Error: the message as plain text, and a 400. */
const textError = (message: string) =>
  new Response(`${message}\n`, {
    status: 400,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
  });

/**
 * The latest sample (no older than the lookback, not a staleness marker) of each series matching any match[],
 * Prometheus' federation. As Prometheus, it adds `instance=""` where a series has no instance, so that the
 * federating server keeps the series' own labels rather than stamping the aggregator's address on them.
 */
function latestSamples(storage: Queryable, selectors: readonly (readonly Matcher[])[], t: number, lookbackMs: number): ParsedSample[] {
  const seen = new Set<string>();
  const samples: { labels: Labels; sample: ParsedSample }[] = [];
  // Prometheus' selector without matchers selects nothing (it would be "everything" to select()).
  for (const matchers of selectors.filter((m) => m.length > 0)) {
    // The window is [t - lookback, t]: select() excludes its lower bound.
    for (const series of storage.select(matchers, t - lookbackMs - 1, t)) {
      const { labels, ts, vs } = series;
      const key = labelsKey(labels);
      const i = ts.length - 1;
      if (seen.has(key) || i < 0 || isStale(series, i)) continue;
      seen.add(key);
      const out = Object.fromEntries(sortedPairs(labels).filter(([, v]) => v !== ''));
      if (out.instance === undefined) out.instance = '';
      samples.push({ labels, sample: { name: labels[METRIC_NAME] ?? '', labels: out, value: vs[i] as number, timestampMs: ts[i] as number } });
    }
  }
  // Prometheus sorts the merged, label-ordered series by metric name only.
  samples.sort((a, b) => compareLabels(a.labels, b.labels));
  samples.sort((a, b) => (a.sample.name < b.sample.name ? -1 : a.sample.name > b.sample.name ? 1 : 0));
  return samples.map((s) => s.sample);
}

/** /federate: what a Prometheus scraping `match[]` from here receives, in the text exposition format 0.0.4. */
export function federateRoutes(storage: Queryable, now: () => number, lookbackMs: number): Hono {
  const app = new Hono();
  app.get('/federate', async (c) => {
    const params = await readParams(c);
    const selectors: (readonly Matcher[])[] = [];
    for (const text of params.all('match[]')) {
      try {
        selectors.push(parseSeriesSelector(text));
      } catch (err) {
        if (err instanceof QueryError) return textError(err.message);
        throw err;
      }
    }
    const samples = latestSamples(storage, selectors, now(), lookbackMs);
    // Federated series carry no TYPE of their own: every family is untyped, as Prometheus writes them.
    const metadata = new Map<string, MetricFamilyMeta>(samples.map((s) => [s.name, { name: s.name, type: 'untyped' }]));
    return c.body(formatExposition({ samples, metadata }, 'prometheus'), 200, {
      'content-type': federationContentType(c.req.header('accept')),
    });
  });
  return app;
}
