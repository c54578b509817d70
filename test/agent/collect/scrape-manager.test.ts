import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAgentFile } from '../../../agent/config/file.ts';
import { createScrapeManager, type ScrapeManager } from '../../../agent/collect/scrape/manager.ts';
import type { CollectedSample } from '../../../protocol/batch.ts';
import type { Logger } from '../../../protocol/log.ts';
import { eventually } from '../../helpers/process.ts';

describe('scrape manager with a real HTTP exporter', () => {
  let server: Server;
  let port: number;
  let dir: string;
  let manager: ScrapeManager;
  let body = 'demo_temperature_celsius{room="cold"} 4.5\n';
  const seen: { accept?: string; auth?: string }[] = [];
  const samples: CollectedSample[] = [];
  const lines: string[] = [];
  const log: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };

  beforeEach(async () => {
    samples.length = 0;
    dir = mkdtempSync(join(tmpdir(), 'outpost-sd-'));
    server = createServer((req, res) => {
      seen.push({ accept: req.headers.accept, auth: req.headers.authorization });
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    manager = createScrapeManager({ sink: (s) => samples.push(...s), log });
  });

  afterEach(async () => {
    manager.stop();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  const configs = (yaml: string) => readAgentFile('t.yaml', yaml).scrapeConfigs ?? [];
  const found = (name: string, instance?: string) => samples.filter((s) => s.labels.__name__ === name && (!instance || s.labels.instance === instance));

  it('scrapes a static target with Prometheus headers and auth, and marks it stale when removed', async () => {
    manager.apply(configs(`scrape_configs:\n  - job_name: demo\n    scrape_interval: 100ms\n    authorization: {credentials: s3cret}\n    static_configs: [{targets: ["127.0.0.1:${port}"]}]\n`));
    await eventually(async () => (found('demo_temperature_celsius').length > 0 ? true : undefined), 5_000, 'a scrape');
    expect(found('demo_temperature_celsius')[0]).toMatchObject({ v: 4.5, labels: { room: 'cold', job: 'demo', instance: `127.0.0.1:${port}` } });
    expect(found('up')[0]?.v).toBe(1);
    expect(seen[0]?.accept).toContain('application/openmetrics-text');
    expect(seen[0]?.auth).toBe('Bearer s3cret');

    manager.apply([]);
    expect(found('demo_temperature_celsius').at(-1)?.stale).toBe(true);
    expect(found('up').at(-1)?.stale).toBe(true);
    expect(manager.active()).toEqual([]);
  });

  it('discovers targets from a file_sd file and follows its changes', async () => {
    const file = join(dir, 'targets.json');
    writeFileSync(file, JSON.stringify([{ targets: [`127.0.0.1:${port}`], labels: { site: 'a' } }]));
    manager.apply(configs(`scrape_configs:\n  - job_name: sd\n    scrape_interval: 100ms\n    file_sd_configs: [{files: ["${join(dir, '*.json')}"]}]\n`));
    await eventually(async () => (found('demo_temperature_celsius').some((s) => s.labels.site === 'a') ? true : undefined), 5_000, 'site a');
    writeFileSync(file, JSON.stringify([{ targets: [`127.0.0.1:${port}`], labels: { site: 'b' } }]));
    await eventually(async () => (found('demo_temperature_celsius').some((s) => s.labels.site === 'b') ? true : undefined), 5_000, 'site b');
    // The old target's series ended with a staleness marker when the file changed.
    expect(found('demo_temperature_celsius').some((s) => s.labels.site === 'a' && s.stale)).toBe(true);
  });

  it('reports a failing target with up = 0 and one log line until it recovers', async () => {
    manager.apply(configs('scrape_configs:\n  - job_name: dead\n    scrape_interval: 100ms\n    scrape_timeout: 50ms\n    static_configs: [{targets: ["127.0.0.1:1"]}]\n'));
    await eventually(async () => (found('up', '127.0.0.1:1').length >= 3 ? true : undefined), 5_000, 'three scrapes');
    expect(found('up', '127.0.0.1:1').every((s) => s.v === 0)).toBe(true);
    expect(lines.filter((l) => l.includes('scrape of http://127.0.0.1:1/metrics failed'))).toHaveLength(1);
  });

  it('drops a scrape still under way when the manager stops', async () => {
    let requests = 0;
    const slow = createServer((_req, res) => {
      requests++;
      setTimeout(() => res.writeHead(200, { 'Content-Type': 'text/plain' }).end('slow_metric 1\n'), 300);
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const slowPort = (slow.address() as AddressInfo).port;
    try {
      manager.apply(configs(`scrape_configs:\n  - job_name: slow\n    scrape_interval: 1s\n    static_configs: [{targets: ["127.0.0.1:${slowPort}"]}]\n`));
      await eventually(async () => (requests > 0 ? true : undefined), 5_000, 'a scrape under way');
      manager.stop();
      await new Promise((r) => setTimeout(r, 500));
      expect(found('slow_metric')).toEqual([]);
      expect(found('up', `127.0.0.1:${slowPort}`)).toEqual([]);
    } finally {
      slow.closeAllConnections();
      await new Promise((r) => slow.close(r));
    }
  });

  it('fails a scrape whose exposition is malformed and ingests none of it', async () => {
    body = 'ok 1\nbroken{ 2\n';
    manager.apply(configs(`scrape_configs:\n  - job_name: bad\n    scrape_interval: 100ms\n    static_configs: [{targets: ["127.0.0.1:${port}"]}]\n`));
    await eventually(async () => (found('up').length > 0 ? true : undefined), 5_000, 'a scrape');
    expect(found('up')[0]?.v).toBe(0);
    expect(found('ok')).toEqual([]);
    expect(lines.some((l) => l.includes('line 2'))).toBe(true);
  });
});
