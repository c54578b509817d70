import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type RunningProcess, startAggregatorProcess, startOutpost, stopAll } from '../helpers/process.ts';

describe('an agent scraping an exporter, configured by YAML and reloaded on SIGHUP', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-scrape-'));
  const configFile = join(dir, 'agent.yaml');
  let exporter: Server;
  let exporterPort: number;
  let api: string;
  let agent: RunningProcess;

  const config = (jobs: string[]) =>
    [
      'agent:',
      '  id: scraper',
      `  data_dir: ${join(dir, 'agent')}`,
      'host:',
      '  enabled: false',
      '  interval: 1s',
      'scrape_configs:',
      ...jobs.map((job) => `  - job_name: ${job}\n    scrape_interval: 500ms\n    static_configs: [{targets: ["127.0.0.1:${exporterPort}"]}]`),
      '',
    ].join('\n');

  const series = async (query: string) => {
    const res = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(query)}`);
    return ((await res.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }).data.result;
  };

  beforeAll(async () => {
    exporter = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end('# TYPE freezer_temperature_celsius gauge\nfreezer_temperature_celsius{unit="A"} -18.5\n'));
    await new Promise<void>((r) => exporter.listen(0, '127.0.0.1', r));
    exporterPort = (exporter.address() as AddressInfo).port;
    const aggregator = await startAggregatorProcess(join(dir, 'aggregator'));
    api = aggregator.api;
    const mqttPort = aggregator.mqttPort;
    writeFileSync(configFile, config(['freezer']));
    agent = startOutpost(['agent', '--config', configFile, '--broker', `mqtt://127.0.0.1:${mqttPort}`]);
  });

  afterAll(async () => {
    await stopAll();
    await new Promise((r) => exporter.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers the scraped series with job, instance and up', async () => {
    const [temp] = await eventually(async () => {
      const r = await series('freezer_temperature_celsius');
      return r.length > 0 ? r : undefined;
    }, 45_000, 'the scraped series');
    expect(temp?.metric).toEqual({ __name__: 'freezer_temperature_celsius', instance: `127.0.0.1:${exporterPort}`, job: 'freezer', unit: 'A' });
    expect(temp?.value[1]).toBe('-18.5');
    expect((await series('up{job="freezer"}'))[0]?.value[1]).toBe('1');
    expect(await series('node_load1{instance="scraper"}')).toEqual([]);
  });

  it('adds a job on SIGHUP and keeps running when the new file is invalid', async () => {
    writeFileSync(configFile, config(['freezer', 'fridge']));
    agent.child.kill('SIGHUP');
    await eventually(async () => ((await series('up{job="fridge"}')).length > 0 ? true : undefined), 45_000, 'the new job');

    writeFileSync(configFile, `${config(['freezer'])}  - job_nam: typo\n`);
    agent.child.kill('SIGHUP');
    await agent.waitFor('configuration not reloaded');
    expect(agent.output()).toMatch(/agent\.yaml:\d+: scrape_configs\[1\]\.job_nam: unknown key/);
    // Still scraping both jobs from the previous, valid configuration.
    expect(agent.child.exitCode).toBeNull();
  });
});
