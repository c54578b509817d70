import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWriteRequest } from '../../aggregator/remote/encode-write-request.ts';
import { compressBlock } from '../../aggregator/remote/snappy-block.ts';
import { buildBatch, type CollectedSample } from '../../protocol/batch.ts';
import { encodeBatch } from '../../protocol/codec.ts';
import { metricsTopic } from '../../protocol/topics.ts';
import { peer } from '../helpers/peers.ts';
import { eventually, startAggregatorProcess, stopAll } from '../helpers/process.ts';
import { startPrometheus, type RunningPrometheus } from '../helpers/prometheus.ts';
import { tempDir } from '../helpers/tmp.ts';

/**
 * Remote write 1.0 both ways with a real Prometheus 2.42: Prometheus remote-writes what it scrapes into Outpost,
 * and Outpost forwards what it stores into a Prometheus started with --web.enable-remote-write-receiver. Either
 * way, both servers must answer the same query with the same series, values and timestamps.
 */
const prometheusBinary = peer('prometheus', 'prometheus');

interface Series {
  metric: Record<string, string>;
  value?: [number, string];
  values?: [number, string][];
}

async function query(base: string, q: string, timeMs: number): Promise<Series[]> {
  const res = await fetch(`${base}/api/v1/query?${new URLSearchParams({ query: q, time: String(timeMs / 1000) })}`);
  const body = (await res.json()) as { status: string; data: { result: Series[] } };
  expect(body.status).toBe('success');
  return body.data.result.sort((a, b) => (JSON.stringify(a.metric) < JSON.stringify(b.metric) ? -1 : 1));
}

describe.skipIf(!prometheusBinary)('Prometheus 2.42 remote-writing into Outpost', () => {
  const dir = tempDir('rw-in');
  let outpost: string;
  let prometheus: RunningPrometheus;
  let exposition: Server;
  let gone = false;

  beforeAll(async () => {
    // A target whose values are known; rw_demo_gone disappears when `gone` is set.
    exposition = createServer((_, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end(
        [
          '# TYPE rw_demo_temperature gauge',
          'rw_demo_temperature{room="a"} 21.5',
          'rw_demo_temperature{room="b"} -3.25',
          '# TYPE rw_demo_total counter',
          'rw_demo_total 12345678901',
          ...(gone ? [] : ['rw_demo_gone 1']),
          '',
        ].join('\n'),
      );
    });
    await new Promise<void>((resolve) => exposition.listen(0, '127.0.0.1', resolve));
    const target = `127.0.0.1:${(exposition.address() as AddressInfo).port}`;
    outpost = (await startAggregatorProcess(join(dir.path, 'outpost'))).api;
    mkdirSync(join(dir.path, 'prometheus'));
    prometheus = await startPrometheus({
      binary: prometheusBinary as string,
      dir: join(dir.path, 'prometheus'),
      config: [
        'global:',
        '  scrape_interval: 1s',
        'scrape_configs:',
        '  - job_name: static',
        '    static_configs:',
        `      - targets: ['${target}']`,
        'remote_write:',
        `  - url: ${outpost}/api/v1/write`,
        '    queue_config:',
        '      batch_send_deadline: 500ms',
        '      min_backoff: 50ms',
        '',
      ].join('\n'),
    });
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    await stopAll();
    await new Promise<void>((resolve) => exposition?.close(() => resolve()));
    dir.remove();
  });

  it('holds every sample Prometheus scraped, with the same values and timestamps', async () => {
    // A 10 s window with several scrapes that ended a few seconds ago, so the remote write queue has sent all of it.
    const at = await eventually(async () => {
      const t = Date.now() - 4_000;
      const scrapes = await query(prometheus.url, 'count_over_time(up{job="static"}[10s])', t);
      return Number(scrapes[0]?.value?.[1] ?? 0) >= 6 ? t : undefined;
    }, 60_000, 'Prometheus to scrape for a while');
    const q = '{job="static"}[10s]';
    const fromPrometheus = await query(prometheus.url, q, at);
    expect(fromPrometheus.map((s) => s.metric.__name__)).toEqual(expect.arrayContaining(['rw_demo_temperature', 'rw_demo_total', 'rw_demo_gone', 'up']));
    expect(fromPrometheus.every((s) => (s.values?.length ?? 0) >= 5)).toBe(true);
    const fromOutpost = await eventually(async () => {
      const r = await query(outpost, q, at);
      return JSON.stringify(r) === JSON.stringify(fromPrometheus) ? r : undefined;
    }, 20_000, 'the same samples in Outpost');
    expect(fromOutpost).toEqual(fromPrometheus);
    const temps = fromOutpost.filter((s) => s.metric.__name__ === 'rw_demo_temperature').map((s) => [s.metric.room, s.values?.[0]?.[1]]);
    expect(temps).toEqual([['a', '21.5'], ['b', '-3.25']]);
  });

  it('ends a series with the stale marker Prometheus sends when it disappears', async () => {
    await eventually(async () => ((await query(outpost, 'rw_demo_gone', Date.now())).length === 1 ? true : undefined), 45_000, 'rw_demo_gone in Outpost');
    gone = true;
    // Prometheus marks the series stale at its next scrape; from then on neither server may return it.
    const after = await eventually(async () => {
      const now = Date.now();
      return (await query(prometheus.url, 'rw_demo_gone', now)).length === 0 ? now : undefined;
    }, 20_000, 'Prometheus to mark rw_demo_gone stale');
    await eventually(async () => ((await query(outpost, 'rw_demo_gone', after)).length === 0 ? true : undefined), 20_000, 'the stale marker in Outpost');
    // Without the marker the 5 m lookback would still find it; the samples before it are still there.
    expect((await query(outpost, 'rw_demo_gone[1m]', after))[0]?.values?.length).toBeGreaterThan(0);
    expect(await query(outpost, 'rw_demo_temperature', after)).toHaveLength(2);
  });
});

describe.skipIf(!prometheusBinary)('Outpost remote-writing into Prometheus 2.42', () => {
  const dir = tempDir('rw-out');
  let outpost: string;
  let mqttPort: number;
  let prometheus: RunningPrometheus;
  const t0 = Math.floor(Date.now() / 1000) * 1000;

  beforeAll(async () => {
    mkdirSync(join(dir.path, 'prometheus'));
    prometheus = await startPrometheus({
      binary: prometheusBinary as string,
      dir: join(dir.path, 'prometheus'),
      args: ['--web.enable-remote-write-receiver'],
    });
    const config = join(dir.path, 'remote-write.yaml');
    writeFileSync(config, ['remote_write:', `  - url: ${prometheus.url}/api/v1/write`, '    name: prometheus', '    queue_config:', '      batch_send_deadline: 200ms', ''].join('\n'));
    const started = await startAggregatorProcess(join(dir.path, 'outpost'), { extraArgs: ['--remote-write.config', config] });
    const [http, mqtt] = [started.api.replace('http://', ''), String(started.mqttPort)];
    outpost = `http://${http}`;
    mqttPort = Number(mqtt);
  }, 120_000);

  afterAll(async () => {
    await stopAll();
    await prometheus?.stop();
    dir.remove();
  });

  it('forwards what agents send and what is remote-written to it, stale markers included', async () => {
    // An agent's batch over MQTT, as agents deliver them.
    const node = (room: string) => ({ __name__: 'rw_out_temperature', job: 'node', instance: 'pi-1', room });
    const agentSamples: CollectedSample[] = [
      { labels: node('a'), v: 20.1, t: t0 - 40_000 },
      { labels: node('a'), v: 20.35, t: t0 - 30_000 },
      { labels: node('a'), v: 1e-7, t: t0 - 20_000 },
      { labels: node('b'), v: -0.5, t: t0 - 40_000 },
      { labels: node('b'), v: Infinity, t: t0 - 30_000 },
      { labels: { __name__: 'rw_out_bytes_total', job: 'node', instance: 'pi-1' }, v: 9007199254740991, t: t0 - 35_000 },
      { labels: { __name__: 'rw_out_gone', job: 'node', instance: 'pi-1' }, v: 1, t: t0 - 40_000 },
      { labels: { __name__: 'rw_out_gone', job: 'node', instance: 'pi-1' }, v: 2, t: t0 - 30_000 },
      { labels: { __name__: 'rw_out_gone', job: 'node', instance: 'pi-1' }, v: NaN, t: t0 - 25_000, stale: true },
    ];
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { protocolVersion: 4, clientId: 'outpost-agent-pi-1', username: 'pi-1' });
    await client.publishAsync(metricsTopic('pi-1', 1), Buffer.from(encodeBatch(buildBatch('pi-1', 1, agentSamples))), { qos: 1 });
    await client.endAsync();
    // And a remote write client's request into Outpost's receiver.
    const res = await fetch(`${outpost}/api/v1/write`, {
      method: 'POST',
      headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf', 'X-Prometheus-Remote-Write-Version': '0.1.0' },
      body: new Uint8Array(compressBlock(encodeWriteRequest([
        { labels: { __name__: 'rw_out_pushed', job: 'alloy' }, samples: [{ t: t0 - 15_000, v: 0.1 + 0.2, stale: false }, { t: t0 - 5_000, v: -42, stale: false }] },
      ]))),
    });
    expect(res.status).toBe(204);

    const q = '{__name__=~"rw_out_.+"}[5m]';
    const fromOutpost = await query(outpost, q, t0);
    expect(fromOutpost.map((s) => s.metric.__name__)).toEqual(['rw_out_bytes_total', 'rw_out_gone', 'rw_out_pushed', 'rw_out_temperature', 'rw_out_temperature']);
    const fromPrometheus = await eventually(async () => {
      const r = await query(prometheus.url, q, t0);
      return r.length === fromOutpost.length && r.every((s, i) => s.values?.length === fromOutpost[i]?.values?.length) ? r : undefined;
    }, 30_000, 'the forwarded samples in Prometheus');
    expect(fromPrometheus).toEqual(fromOutpost);
    expect(fromPrometheus.find((s) => s.metric.__name__ === 'rw_out_pushed')?.values).toEqual([
      [(t0 - 15_000) / 1000, '0.30000000000000004'],
      [(t0 - 5_000) / 1000, '-42'],
    ]);

    // The stale marker reached Prometheus as a marker: the series ends there, not 5 minutes later.
    expect(await query(prometheus.url, 'rw_out_gone', t0 - 27_000)).toEqual([{ metric: { __name__: 'rw_out_gone', job: 'node', instance: 'pi-1' }, value: [(t0 - 27_000) / 1000, '2'] }]);
    expect(await query(prometheus.url, 'rw_out_gone', t0 - 25_000)).toEqual([]);
    expect(await query(prometheus.url, 'rw_out_gone', t0)).toEqual([]);
    expect(await query(outpost, 'rw_out_gone', t0)).toEqual([]);
  });
});
