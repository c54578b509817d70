import { fileURLToPath } from 'node:url';
import { DEFAULT_ENGINE, type EngineOptions } from '../promql/engine.ts';
import type { BrokerTlsFiles } from './ingest/broker-listen.ts';
import type { RemoteWriteConfig } from './remote/sender-config.ts';
import type { ExternalBrokerConfig } from './ingest/external-broker.ts';

export interface AggregatorConfig {
  /** Holds the store and the agent registry. */
  readonly dataDir: string;
  readonly httpHost: string;
  readonly httpPort: number;
  readonly mqttHost: string;
  readonly mqttPort: number;
  /** mosquitto-format password file: agents must log in (README "Broker security"). Re-read on change and SIGHUP. */
  readonly mqttCredentialsFile?: string;
  /** Without credentials the broker refuses a non-loopback address unless this is set. */
  readonly mqttAllowAnonymous: boolean;
  /** Serve mqtts:// with these PEM files. */
  readonly mqttTls?: BrokerTlsFiles;
  /** Ingest as a client of this broker instead of embedding one (the mqtt* settings above then do not apply). */
  readonly mqttBroker?: ExternalBrokerConfig;
  /** As Prometheus' --query.lookback-delta, --query.timeout and --query.max-samples. */
  readonly queryLookbackMs: number;
  readonly queryTimeoutMs: number;
  readonly queryMaxSamples: number;
  /** Where everything stored is forwarded (aggregator/remote/), from --remote-write.url and --remote-write.config. */
  readonly remoteWrite: readonly RemoteWriteConfig[];
  /** What those two flags said, for the status pages. */
  readonly remoteWriteUrl?: string;
  readonly remoteWriteConfigFile?: string;
  /** As Prometheus' --storage.remote.flush-deadline: how long shutdown waits for queued samples to be sent. */
  readonly remoteFlushDeadlineMs: number;
  /** When set, POST /api/v1/write requires `Authorization: Bearer <this>`. */
  readonly remoteWriteReceiverToken?: string;
  /** Tokens (one a line) the HTTP API and dashboard accept as `Authorization: Bearer` (README "Dashboard"). */
  readonly httpAuthTokenFile?: string;
  /** mosquitto_passwd-format users the HTTP API and dashboard accept with Basic auth; re-read on change. */
  readonly httpBasicAuthFile?: string;
  /** Without either file, HTTP refuses a non-loopback address unless this is set. */
  readonly httpAllowAnonymous: boolean;
  /** Dashboard definitions (*.json), re-read on change. */
  readonly dashboardsDir: string;
  /** Alertmanagers (base URLs) the aggregator forwards its own and the agents' alerts to. */
  readonly alertmanagerUrls: readonly string[];
  /** Central rule files (globs), evaluated over the store besides the built-in rules (aggregator/alerts/). */
  readonly ruleFiles: readonly string[];
  /** For central rule groups that name no interval, as Prometheus' evaluation_interval. */
  readonly ruleEvaluationIntervalMs: number;
  /** As Prometheus' --rules.alert.resend-delay. */
  readonly ruleResendDelayMs: number;
  /** As Prometheus' --storage.tsdb.retention.time and .size; 0 for no bound (aggregator/store/STORAGE.md). */
  readonly storageRetentionMs: number;
  readonly storageRetentionBytes: number;
  /** Late samples up to this far behind their series' newest are stored (Prometheus' out_of_order_time_window). */
  readonly storageOutOfOrderWindowMs: number;
  /** New series beyond this many per agent (or remote write sender) are refused and counted. */
  readonly maxSeriesPerAgent: number;
}

export const DEFAULT_AGGREGATOR: AggregatorConfig = {
  dataDir: './data/aggregator',
  httpHost: '127.0.0.1',
  httpPort: 9470,
  // Loopback unless credentials are configured: an open broker on a LAN would let anyone write as any agent.
  mqttHost: '127.0.0.1',
  mqttPort: 1883,
  mqttAllowAnonymous: false,
  queryLookbackMs: DEFAULT_ENGINE.lookbackMs,
  queryTimeoutMs: DEFAULT_ENGINE.timeoutMs,
  queryMaxSamples: DEFAULT_ENGINE.maxSamples,
  remoteWrite: [],
  remoteFlushDeadlineMs: 60_000,
  // Loopback for the same reason as the broker: the API would show every metric to anyone on the network.
  httpAllowAnonymous: false,
  // The dashboards shipped with Outpost; --dashboards-dir points at a site's own.
  dashboardsDir: fileURLToPath(new URL('../dashboards', import.meta.url)),
  alertmanagerUrls: [],
  ruleFiles: [],
  ruleEvaluationIntervalMs: 60_000,
  ruleResendDelayMs: 60_000,
  // Prometheus' default when neither retention flag is given.
  storageRetentionMs: 15 * 86_400_000,
  storageRetentionBytes: 0,
  // Agents buffer through outages of days: a week-old backlog still goes in.
  storageOutOfOrderWindowMs: 7 * 86_400_000,
  maxSeriesPerAgent: 100_000,
};

/** The engine settings these flags make. */
export function engineOptions(c: AggregatorConfig): EngineOptions {
  return { ...DEFAULT_ENGINE, lookbackMs: c.queryLookbackMs, timeoutMs: c.queryTimeoutMs, maxSamples: c.queryMaxSamples };
}
