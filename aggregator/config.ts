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
};

/** The engine settings these flags make. */
export function engineOptions(c: AggregatorConfig): EngineOptions {
  return { ...DEFAULT_ENGINE, lookbackMs: c.queryLookbackMs, timeoutMs: c.queryTimeoutMs, maxSamples: c.queryMaxSamples };
}
