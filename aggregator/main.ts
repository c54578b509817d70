import { serve } from '@hono/node-server';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Logger } from '../protocol/log.ts';
import type { AggregatorConfig } from './config.ts';
import { createApp } from './http/app.ts';
import { openAgentRegistry } from './ingest/agent-registry.ts';
import { startEmbeddedBroker } from './ingest/broker.ts';
import { createIngest } from './ingest/ingest.ts';
import { openLmdbStore } from './store/lmdb-store.ts';

export interface RunningAggregator {
  readonly httpPort: number;
  readonly mqttPort: number;
  close(): Promise<void>;
}

/** Wiring only: broker → ingest → store ← HTTP API and dashboard. */
export async function startAggregator(config: AggregatorConfig, log: Logger, now = Date.now): Promise<RunningAggregator> {
  mkdirSync(config.dataDir, { recursive: true });
  const storage = await openLmdbStore(join(config.dataDir, 'store'));
  const registry = await openAgentRegistry(join(config.dataDir, 'agents'));
  const ingest = createIngest({ storage, registry, log, now });
  let ready = false;

  const app = createApp({ storage, registry, now, ready: () => ready });
  const http = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: config.httpHost, port: config.httpPort }, () => resolve(server));
    server.once('error', reject);
  });
  const httpPort = (http.address() as AddressInfo).port;
  const broker = await startEmbeddedBroker({ host: config.mqttHost, port: config.mqttPort, ingest, log });
  ready = true;
  log.info(`HTTP API and dashboard on http://${config.httpHost}:${httpPort}/`);

  return {
    httpPort,
    mqttPort: broker.port,
    async close() {
      ready = false;
      await broker.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await registry.close();
      await storage.close();
    },
  };
}
