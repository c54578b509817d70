import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTsdbStore } from '../../aggregator/store/tsdb-store.ts';
import { buildBatch, type CollectedSample } from '../../protocol/batch.ts';
import { freePort } from '../helpers/ports.ts';
import { peer } from '../helpers/peers.ts';
import { eventually, startOutpost, stopAll } from '../helpers/process.ts';
import { startPrometheus, type RunningPrometheus } from '../helpers/prometheus.ts';
import { tempDir } from '../helpers/tmp.ts';

/**
 * A real Prometheus 2.42 federating from a running aggregator, configured as Prometheus' federation guide says
 * (honor_labels, metrics_path /federate, params match[]): what it stores must be what Outpost itself answers.
 */
const prometheusBinary = peer('prometheus', 'prometheus');

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

async function instant(base: string, query: string, time: number): Promise<Sample[]> {
  const res = await fetch(`${base}/api/v1/query?${new URLSearchParams({ query, time: String(time / 1000) })}`);
  const body = (await res.json()) as { status: string; data: { result: Sample[] } };
  expect(body.status).toBe('success');
  return body.data.result;
}

const byLabels = (a: Sample, b: Sample) => (JSON.stringify(a.metric) < JSON.stringify(b.metric) ? -1 : 1);

describe.skipIf(!prometheusBinary)('Prometheus 2.42 federating from the aggregator', () => {
  const dir = tempDir('federate');
  // Recent enough to lie within both servers' 5 m lookback for the whole test.
  const t0 = Math.floor(Date.now() / 1000) * 1000 - 20_000;
  let outpost: string;
  let prometheus: RunningPrometheus;

  beforeAll(async () => {
    const node = (instance: string) => ({ __name__: 'fed_load', job: 'node', instance });
    const samples: CollectedSample[] = [
      { labels: node('h1'), v: 0.25, t: t0 - 15_000 },
      { labels: node('h1'), v: 0.5, t: t0 },
      { labels: node('h2'), v: 1e21, t: t0 },
      // No instance label: federation writes instance="" so that Prometheus does not stamp the aggregator's on it.
      { labels: { __name__: 'fed_total', job: 'batch', path: 'a "quoted"\\path' }, v: 42, t: t0 - 5_000 },
      { labels: { __name__: 'fed_total', job: 'batch', path: 'plain' }, v: -Infinity, t: t0 },
      // Gone: the latest sample is a staleness marker, and another series is past the lookback.
      { labels: node('gone'), v: 1, t: t0 - 15_000 },
      { labels: node('gone'), v: 0, t: t0 - 5_000, stale: true },
      { labels: node('old'), v: 3, t: t0 - 400_000 },
      // Not asked for by match[].
      { labels: { __name__: 'other_metric', job: 'node', instance: 'h1' }, v: 7, t: t0 },
    ];
    const store = await openTsdbStore(join(dir.path, 'outpost', 'store'));
    await store.appendBatch(buildBatch('fed', 1, samples));
    await store.close();

    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    const aggregator = startOutpost([
      'aggregator',
      '--data-dir', join(dir.path, 'outpost'),
      '--http-listen', `127.0.0.1:${httpPort}`,
      '--mqtt-listen', `127.0.0.1:${mqttPort}`,
    ]);
    await aggregator.waitFor('HTTP API and dashboard on');
    outpost = `http://127.0.0.1:${httpPort}`;

    mkdirSync(join(dir.path, 'prometheus'));
    prometheus = await startPrometheus({
      binary: prometheusBinary as string,
      dir: join(dir.path, 'prometheus'),
      config: [
        'global:',
        '  scrape_interval: 1s',
        'scrape_configs:',
        '  - job_name: federate',
        '    honor_labels: true',
        '    metrics_path: /federate',
        '    params:',
        "      'match[]': ['{__name__=~\"fed_.+\"}']",
        '    static_configs:',
        `      - targets: ['127.0.0.1:${httpPort}']`,
        '',
      ].join('\n'),
    });
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    await stopAll();
    dir.remove();
  });

  it('scrapes /federate successfully', async () => {
    const up = await eventually(async () => {
      const r = await instant(prometheus.url, 'up{job="federate"}', Date.now());
      return r.length > 0 ? r : undefined;
    }, 30_000, 'the first federation scrape');
    expect(up[0]?.value[1]).toBe('1');
    const res = await fetch(`${prometheus.url}/api/v1/targets`);
    const targets = (await res.json()) as { data: { activeTargets: { health: string; lastError: string }[] } };
    expect(targets.data.activeTargets.map((t) => [t.health, t.lastError])).toEqual([['up', '']]);
  });

  it('holds exactly the series, values and timestamps Outpost answers for the same query', async () => {
    const query = '{__name__=~"fed_.+"}';
    const federated = await eventually(async () => {
      const r = await instant(prometheus.url, query, t0);
      return r.length === 4 ? r : undefined;
    }, 30_000, 'the federated series');
    const own = await instant(outpost, query, t0);
    expect(federated.sort(byLabels)).toEqual(own.sort(byLabels));
    expect(own.map((s) => [s.metric.instance ?? s.metric.path, s.value[1]]).sort()).toEqual([
      ['a "quoted"\\path', '42'],
      ['h1', '0.5'],
      ['h2', '1e+21'],
      ['plain', '-Inf'],
    ]);
    // The samples keep the timestamps Outpost stored, not the scrape's.
    const stamps = await instant(prometheus.url, `timestamp(${query})`, t0);
    expect(stamps.map((s) => Number(s.value[1]) * 1000).sort()).toEqual([t0 - 5_000, t0, t0, t0]);
    expect(await instant(prometheus.url, 'other_metric or fed_load{instance=~"gone|old"}', t0)).toEqual([]);
  });
});
