import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { httpFetcher } from '../../../agent/collect/scrape/fetch.ts';
import { readAgentFile } from '../../../agent/config/file.ts';
import { SCRAPE_ACCEPT_HEADER } from '../../../agent/collect/scrape/expfmt.ts';

describe('HTTP fetcher', () => {
  let server: Server;
  let base: string;
  let handler: Parameters<typeof createServer>[1];

  beforeEach(async () => {
    server = createServer((req, res) => handler?.(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const fetcher = (yaml = '') => {
    const cfg = readAgentFile('t.yaml', `scrape_configs:\n  - job_name: x\n${yaml}`).scrapeConfigs?.[0];
    if (!cfg) throw new Error('no config');
    return httpFetcher(cfg, { accept: SCRAPE_ACCEPT_HEADER, userAgent: 'Outpost-test' });
  };

  it('sends Prometheus headers and basic auth, and inflates gzip', async () => {
    let headers: Record<string, unknown> = {};
    handler = (req, res) => {
      headers = req.headers;
      res.writeHead(200, { 'Content-Type': 'application/openmetrics-text; version=1.0.0', 'Content-Encoding': 'gzip' }).end(gzipSync('a 1\n# EOF\n'));
    };
    const res = await fetcher('    basic_auth: {username: u, password: p}\n')(`${base}/metrics`, 2_000);
    expect(res).toEqual({ body: 'a 1\n# EOF\n', contentType: 'application/openmetrics-text; version=1.0.0' });
    expect(headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    expect(headers['x-prometheus-scrape-timeout-seconds']).toBe('2');
    expect(headers['accept-encoding']).toBe('gzip');
  });

  it('fails on a non-200 status, naming it', async () => {
    handler = (_req, res) => res.writeHead(503).end('busy');
    await expect(fetcher()(`${base}/metrics`, 2_000)).rejects.toThrow('server returned HTTP status 503 Service Unavailable');
  });

  it('gives up at the scrape timeout', async () => {
    handler = () => {}; // never answers
    const started = Date.now();
    await expect(fetcher()(`${base}/metrics`, 200)).rejects.toThrow(/scrape timeout 0.2 s/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('stops reading past body_size_limit', async () => {
    handler = (_req, res) => res.writeHead(200).end('x'.repeat(4096));
    await expect(fetcher('    body_size_limit: 1KB\n')(`${base}/metrics`, 2_000)).rejects.toThrow('body size limit exceeded (1024 bytes)');
  });
});
