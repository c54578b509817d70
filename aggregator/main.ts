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
import { connectExternalBroker } from './ingest/external-broker.ts';
import { createIngest, type Ingest } from './ingest/ingest.ts';
import type { IngestTransport } from './ingest/transport.ts';
import { openLmdbStore } from './store/lmdb-store.ts';
import { openMetadataStore } from './store/metadata.ts';
import { startForwarding } from './remote/forwarding.ts';
import { createRemoteWriteReceiver } from './remote/receiver.ts';

export interface RunningAggregator {
  readonly httpPort: number;
  /** The embedded broker's port; undefined when ingesting from an external broker. */
  readonly mqttPort: number | undefined;
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
  const forwarding = startForwarding(config.remoteWrite, { log, userAgent: `Outpost/${readBuildInfo().version}` });
  const ingest = createIngest({ storage, registry, metadata, log, now, onStored: forwarding.onStored });
  let ready = false;

  const status = { config, startedAtMs: now(), build: readBuildInfo() };
  const receiver = createRemoteWriteReceiver(storage, {
    log,
    now,
    onStored: forwarding.onStored,
    ...(config.remoteWriteReceiverToken !== undefined ? { bearerToken: config.remoteWriteReceiverToken } : {}),
  });
  const app = createApp({ storage, registry, metadata, now, engine: engineOptions(config), ready: () => ready, status, remoteWrite: receiver.routes });
  const http = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: config.httpHost, port: config.httpPort }, () => resolve(server));
    server.once('error', reject);
  });
  const httpPort = (http.address() as AddressInfo).port;
  let transport: IngestTransport;
  try {
    transport = await startTransport(config, ingest, log);
  } catch (err) {
    // Release what is already open, or the HTTP server would keep a failed start running.
    await new Promise<void>((resolve) => http.close(() => resolve()));
    await forwarding.close(0);
    await registry.close();
    await metadata.close();
    await storage.close();
    throw err;
  }
  ready = true;
  log.info(`HTTP API and dashboard on http://${config.httpHost}:${httpPort}/`);

  return {
    httpPort,
    mqttPort: transport.port,
    reload: () => transport.reload(),
    async close() {
      ready = false;
      await transport.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      // Nothing new arrives now: send what is queued, within the flush deadline.
      await forwarding.close(config.remoteFlushDeadlineMs);
      await registry.close();
      await metadata.close();
      await storage.close();
    },
  };
}

/** The embedded aedes broker, or a client of the site's own broker (--mqtt-broker). */
function startTransport(config: AggregatorConfig, ingest: Ingest, log: Logger): Promise<IngestTransport> {
  if (config.mqttBroker) return connectExternalBroker(config.mqttBroker, ingest, log);
  return startEmbeddedBroker({
    host: config.mqttHost,
    port: config.mqttPort,
    ingest,
    log,
    allowAnonymous: config.mqttAllowAnonymous,
    ...(config.mqttCredentialsFile !== undefined ? { credentialsFile: config.mqttCredentialsFile } : {}),
    ...(config.mqttTls !== undefined ? { tls: config.mqttTls } : {}),
  });
}
