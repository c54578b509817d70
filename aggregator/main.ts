import { serve } from '@hono/node-server';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Logger } from '../protocol/log.ts';
import { loadRuleFiles } from '../promql/rules/load.ts';
import { readBuildInfo } from './build-info.ts';
import { engineOptions, type AggregatorConfig } from './config.ts';
import { createApp } from './http/app.ts';
import { openHttpAuth } from './http/auth-setup.ts';
import { openDashboardLibrary } from './http/dashboard-library.ts';
import { startAlerting } from './alerts/alerting.ts';
import { openAgentRegistry } from './ingest/agent-registry.ts';
import { startEmbeddedBroker } from './ingest/broker.ts';
import { connectExternalBroker } from './ingest/external-broker.ts';
import { createIngest, type Ingest } from './ingest/ingest.ts';
import type { IngestTransport } from './ingest/transport.ts';
import { scheduleMaintenance } from './store/maintenance-schedule.ts';
import { openTsdbStore } from './store/tsdb-store.ts';
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

/** Wiring only: broker → ingest → store ← HTTP API and dashboard; rules over store and agents' alerts → Alertmanager. */
export async function startAggregator(config: AggregatorConfig, log: Logger, now = Date.now): Promise<RunningAggregator> {
  // First: a refused or unreadable auth set-up must stop start-up before anything is opened. The remote write
  // receiver checks its own token, so its senders need not also hold an HTTP credential.
  loadRuleFiles(config.ruleFiles); // bad central rule files stop the start, naming file, group, rule and position
  const auth = openHttpAuth(config, log, config.remoteWriteReceiverToken !== undefined ? ['/api/v1/write'] : []);
  mkdirSync(config.dataDir, { recursive: true });
  const storage = await openTsdbStore(join(config.dataDir, 'store'), {
    retentionMs: config.storageRetentionMs,
    retentionBytes: config.storageRetentionBytes,
    outOfOrderWindowMs: config.storageOutOfOrderWindowMs,
    maxSeriesPerSource: config.maxSeriesPerAgent,
    log,
    now,
  });
  const maintenance = scheduleMaintenance(() => storage.maintain(), log);
  const registry = await openAgentRegistry(join(config.dataDir, 'agents'));
  const metadata = await openMetadataStore(join(config.dataDir, 'metadata'));
  const forwarding = startForwarding(config.remoteWrite, { log, userAgent: `Outpost/${readBuildInfo().version}` });
  const alerting = await startAlerting(config, { storage, registry, engine: engineOptions(config), log, now });
  const ingest = createIngest({ storage, registry, metadata, log, now, onStored: forwarding.onStored, onRules: alerting.onRules });
  let ready = false;

  const status = { config, startedAtMs: now(), build: readBuildInfo() };
  const receiver = createRemoteWriteReceiver(storage, {
    log,
    now,
    onStored: forwarding.onStored,
    ...(config.remoteWriteReceiverToken !== undefined ? { bearerToken: config.remoteWriteReceiverToken } : {}),
  });
  const dashboards = openDashboardLibrary(config.dashboardsDir, { log });
  const app = createApp({
    storage,
    registry,
    metadata,
    now,
    engine: engineOptions(config),
    ready: () => ready,
    status,
    remoteWrite: receiver.routes,
    rules: alerting.rules,
    dashboards,
    tsdbStatus: storage,
    ...(auth.middleware ? { auth: auth.middleware } : {}),
  });
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
    dashboards.close();
    auth.close();
    await forwarding.close(0);
    await alerting.close();
    await registry.close();
    await metadata.close();
    await maintenance.stop();
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
      dashboards.close();
      auth.close();
      // Nothing new arrives now: send what is queued, within the flush deadline.
      await forwarding.close(config.remoteFlushDeadlineMs);
      await alerting.close();
      await registry.close();
      await metadata.close();
      await maintenance.stop();
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
