import { serve } from '@hono/node-server';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Logger } from '../protocol/log.ts';
import { readBuildInfo } from './build-info.ts';
import { engineOptions, type AggregatorConfig } from './config.ts';
import { createApp } from './http/app.ts';
import { openAgentRegistry } from './ingest/agent-registry.ts';
import { startEmbeddedBroker } from './ingest/broker.ts';
import { createIngest } from './ingest/ingest.ts';
import { openLmdbStore } from './store/lmdb-store.ts';
import { openMetadataStore } from './store/metadata.ts';

export interface RunningAggregator {
  readonly httpPort: number;
  readonly mqttPort: number;
  /** Re-reads the broker's credentials file (SIGHUP). */
  reload(): void;
  close(): Promise<void>;
}

/** Wiring only: broker → ingest → store ← HTTP API and dashboard. */
export async function startAggregator(config: AggregatorConfig, log: Logger, now = Date.now): Promise<RunningAggregator> {
  mkdirSync(config.dataDir, { recursive: true });
  const storage = await openLmdbStore(join(config.dataDir, 'store'));
  const registry = await openAgentRegistry(join(config.dataDir, 'agents'));
  const metadata = await openMetadataStore(join(config.dataDir, 'metadata'));
  const ingest = createIngest({ storage, registry, metadata, log, now });
  let ready = false;

  const status = { config, startedAtMs: now(), build: readBuildInfo() };
  const app = createApp({ storage, registry, metadata, now, engine: engineOptions(config), ready: () => ready, status });
  const http = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: config.httpHost, port: config.httpPort }, () => resolve(server));
    server.once('error', reject);
  });
  const httpPort = (http.address() as AddressInfo).port;
  let broker;
  try {
    broker = await startEmbeddedBroker({
      host: config.mqttHost,
      port: config.mqttPort,
      ingest,
      log,
      allowAnonymous: config.mqttAllowAnonymous,
      ...(config.mqttCredentialsFile !== undefined ? { credentialsFile: config.mqttCredentialsFile } : {}),
      ...(config.mqttTls !== undefined ? { tls: config.mqttTls } : {}),
    });
  } catch (err) {
    // Release what is already open, or the HTTP server would keep a failed start running.
    await new Promise<void>((resolve) => http.close(() => resolve()));
    await registry.close();
    await metadata.close();
    await storage.close();
    throw err;
  }
  ready = true;
  log.info(`HTTP API and dashboard on http://${config.httpHost}:${httpPort}/`);

  return {
    httpPort,
    mqttPort: broker.port,
    reload: () => broker.reload(),
    async close() {
      ready = false;
      await broker.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await registry.close();
      await metadata.close();
      await storage.close();
    },
  };
}
