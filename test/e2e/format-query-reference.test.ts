import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFloatF, formatFloatG } from '../../promql/aggregate-go.ts';
import type { Expr } from '../../promql/ast.ts';
import { parseExpr } from '../../promql/parse.ts';
import { prettify } from '../../promql/prettify.ts';
import { peer } from '../helpers/peers.ts';
import { startPrometheus, type RunningPrometheus } from '../helpers/prometheus.ts';
import { testdataQueries, testSourceQueries } from '../helpers/promql-corpus.ts';
import { tempDir } from '../helpers/tmp.ts';

/**
 * Outpost's /api/v1/format_query text against the real Prometheus 2.42's, query by query, over every expression
 * the project's tests use plus long ones that must be split over lines.
 */
const prometheusBinary = peer('prometheus', 'prometheus');

// Long enough (over 100 bytes) to be split, in the style of alerting rules.
const LONG = [
  'sum by (instance) (rate(node_cpu_seconds_total{mode!="idle",job="node"}[5m])) / on (instance) group_left count by (instance) (node_cpu_seconds_total{mode="idle"}) > 0.9',
  '(node_filesystem_avail_bytes{job="node",fstype!=""} / node_filesystem_size_bytes{job="node",fstype!=""} * 100 < 20 and predict_linear(node_filesystem_avail_bytes{job="node",fstype!=""}[6h], 4*60*60) < 0)',
  'histogram_quantile(0.99, sum by (le, service) (rate(http_request_duration_seconds_bucket{service=~"api|web",code!~"5.."}[5m]))) > 0.5',
  '-max_over_time(rate(demo_api_request_duration_seconds_count{instance="demo.example.org:443"}[1m])[1h:1m] @ end() offset 5m)',
  'label_replace(label_replace(up{job="api-server",service="a:c"}, "foo", "$1", "service", "(.*):.*"), "bar", "$1", "service", ".*:(.*)")',
  'topk(5, sum without (instance, pod) (increase(container_cpu_usage_seconds_total{namespace="production",container!=""}[1h])))',
  '1 - ((node_memory_MemAvailable_bytes{job="node"} or (node_memory_Buffers_bytes{job="node"} + node_memory_Cached_bytes{job="node"})) / node_memory_MemTotal_bytes{job="node"})',
  'count by (job) (changes(process_start_time_seconds{job="alertmanager"}[10m]) > bool 4) / ignoring (job) count(up{job="alertmanager"}) >= 0.5',
];

/** Every node below and including `e`. */
function* nodes(e: Expr): Generator<Expr> {
  yield e;
  switch (e.kind) {
    case 'matrix_selector':
      yield* nodes(e.selector);
      break;
    case 'subquery':
    case 'unary':
    case 'paren':
      yield* nodes(e.expr);
      break;
    case 'call':
      for (const a of e.args) yield* nodes(a);
      break;
    case 'aggregate':
      if (e.param) yield* nodes(e.param);
      yield* nodes(e.expr);
      break;
    case 'binary':
      yield* nodes(e.lhs);
      yield* nodes(e.rhs);
      break;
  }
}

/**
 * Why 2.42's text cannot stand for Prometheus 3's here, for what its printer has changed since (git diff v2.42.0
 * of promql/parser/printer.go): undefined when it can.
 */
function versionDifference(e: Expr): string | undefined {
  for (const n of nodes(e)) {
    // 2.42 printed numbers with Go's %v (1e+06); 3.x with FormatFloat(v, 'f', -1) (1000000).
    if (n.kind === 'number' && formatFloatG(n.value) !== formatFloatF(n.value)) return 'number in exponent form';
    // 2.42 dropped an empty `ignoring ()` before group_left/group_right, and a `__name__=""` matcher.
    const m = n.kind === 'binary' ? n.matching : undefined;
    if (m && (m.card === 'many-to-one' || m.card === 'one-to-many') && !m.on && m.labels.length === 0) {
      return 'group modifier after an empty ignoring ()';
    }
    if (n.kind === 'vector_selector' && n.matchers.some((m) => m.name === '__name__' && m.type === '=' && m.value === '')) {
      return 'empty __name__ matcher';
    }
    // Invalid UTF-8 bytes reach Outpost's tree as U+FFFD (promql/strings.ts), so it cannot write them back as \xNN.
    if ((n.kind === 'string' && n.value.includes('\uFFFD')) || (n.kind === 'vector_selector' && n.matchers.some((m) => m.value.includes('\uFFFD')))) {
      return 'invalid UTF-8 in a string';
    }
  }
  return undefined;
}

describe.skipIf(!prometheusBinary)('/api/v1/format_query: Outpost against Prometheus 2.42', () => {
  const dir = tempDir('format-query');
  let prometheus: RunningPrometheus;

  beforeAll(async () => {
    prometheus = await startPrometheus({ binary: prometheusBinary as string, dir: dir.path });
  }, 90_000);

  afterAll(async () => {
    await prometheus?.stop();
    dir.remove();
  });

  it('writes every query Prometheus 2.42 also parses exactly as it does', async () => {
    const corpus = [...new Set([...testdataQueries(), ...testSourceQueries(), ...LONG])];
    const skipped = new Map<string, number>();
    const skip = (reason: string) => skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
    const differences: string[] = [];
    let compared = 0;
    let split = 0;
    for (const query of corpus) {
      const res = await fetch(`${prometheus.url}/api/v1/format_query`, { method: 'POST', body: new URLSearchParams({ query }) });
      const body = (await res.json()) as { status: string; data?: string };
      if (body.status !== 'success') {
        skip('newer than 2.42 (functions, quoted names, durations as numbers)');
        continue;
      }
      const expr = parseExpr(query);
      const reason = versionDifference(expr);
      if (reason) {
        skip(reason);
        continue;
      }
      compared++;
      const ours = prettify(expr);
      if (ours.includes('\n')) split++;
      if (ours !== body.data) differences.push(`${query}\n--- Prometheus:\n${body.data}\n--- Outpost:\n${ours}`);
    }
    process.stdout.write(`format_query: ${compared} compared (${split} split over lines), skipped: ${JSON.stringify(Object.fromEntries(skipped))}\n`);
    expect(differences).toEqual([]);
    expect(compared).toBeGreaterThan(1000);
    expect(split).toBeGreaterThanOrEqual(LONG.length);
  }, 120_000);
});
