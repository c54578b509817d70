// The Grafana exports, run the way Grafana's Prometheus data source runs them, against a real aggregator with
// real agents: variables filled from the API, every panel query parsed and answered with data.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peer } from '../helpers/peers.ts';
import { HOSTS, startRig, type Rig } from './rig.ts';

const GRAFANA_DIR = fileURLToPath(new URL('../../dashboards/grafana/', import.meta.url));
const FILES = readdirSync(GRAFANA_DIR).filter((f) => f.endsWith('.json')).sort();

interface GrafanaDashboard {
  templating: { list: Array<{ name: string; query: string }> };
  panels: Array<{ title: string; targets: Array<{ expr: string; refId: string }> }>;
}

interface ApiBody<T> {
  status: string;
  data: T;
  error?: string;
}

/** Grafana's interpolation for a single-valued variable: $name, ${name} and [[name]] all become the value. */
function interpolate(expr: string, values: Record<string, string>): string {
  return expr.replace(/\$\{(\w+)\}|\[\[(\w+)\]\]|\$(\w+)/g, (whole, a?: string, b?: string, c?: string) => values[(a ?? b ?? c) as string] ?? whole);
}

describe('the Grafana dashboards against a running aggregator', () => {
  let rig: Rig;
  const api = async <T>(path: string, params: Array<[string, string]>): Promise<ApiBody<T>> => {
    const res = await rig.get(`${path}?${new URLSearchParams(params)}`);
    return (await res.json()) as ApiBody<T>;
  };

  beforeAll(async () => {
    rig = await startRig();
  });
  afterAll(async () => {
    await rig?.close();
  });

  it.each(FILES)('%s: variables fill from the API and every panel query parses and returns data', async (file) => {
    const g = JSON.parse(readFileSync(GRAFANA_DIR + file, 'utf8')) as GrafanaDashboard;
    const end = Math.floor(Date.now() / 1000);
    const start = end - 120;
    // What Grafana sets for a 2-minute range at this resolution; the panels use $__rate_interval for rates.
    const values: Record<string, string> = { __interval: '5s', __rate_interval: '1m', __range: '2m' };
    for (const v of g.templating.list) {
      const m = /^label_values\((.+),\s*(\w+)\)$/.exec(v.query);
      expect(m, v.query).not.toBeNull();
      const series = await api<Array<Record<string, string>>>('/api/v1/series', [['match[]', interpolate(m![1]!, values)], ['start', String(start)], ['end', String(end)]]);
      const options = [...new Set(series.data.map((s) => s[m![2]!]))].sort();
      expect(options, v.name).toEqual(HOSTS.map((h) => h.id));
      values[v.name] = options[0]!;
    }
    let queries = 0;
    for (const panel of g.panels) {
      for (const target of panel.targets) {
        const expr = interpolate(target.expr, values);
        const what = `${file} "${panel.title}" ${target.refId}: ${expr}`;
        expect(expr, what).not.toContain('$');
        expect((await api('/api/v1/parse_query', [['query', expr]])).status, what).toBe('success');
        const body = await api<{ resultType: string; result: Array<{ values: Array<[number, string]> }> }>('/api/v1/query_range', [
          ['query', expr],
          ['start', String(start)],
          ['end', String(end)],
          ['step', '5'],
        ]);
        expect(body.status, `${what}: ${body.error}`).toBe('success');
        expect(body.data.result.length, `${what} returned no series`).toBeGreaterThan(0);
        expect(body.data.result.some((s) => s.values.some(([, v]) => Number.isFinite(Number(v)))), `${what} has no finite value`).toBe(true);
        queries++;
      }
    }
    expect(queries).toBeGreaterThan(5);
  });

  const promtool = peer('promtool', 'prometheus');
  it.skipIf(promtool === undefined)('promtool queries through Basic auth, and is refused without it', async () => {
    const run = promisify(execFile);
    const withUser = rig.url.replace('http://', `http://${rig.user}:${encodeURIComponent(rig.password)}@`);
    // promtool 2.42 has no --http.config.file for queries; Go's HTTP client sends a URL's user:password as Basic auth.
    const { stdout } = await run(promtool as string, ['query', 'instant', withUser, 'count(node_hwmon_temp_celsius)']);
    expect(stdout.trim()).toMatch(new RegExp(`^\\{\\} => ${HOSTS.length} @\\[`));
    await expect(run(promtool as string, ['query', 'instant', rig.url, 'up'])).rejects.toMatchObject({ stderr: expect.stringContaining('401') });
  });
});
