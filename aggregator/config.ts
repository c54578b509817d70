import { DEFAULT_ENGINE, type EngineOptions } from '../promql/engine.ts';
import type { BrokerTlsFiles } from './ingest/broker-listen.ts';

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
  /** As Prometheus' --query.lookback-delta, --query.timeout and --query.max-samples. */
  readonly queryLookbackMs: number;
  readonly queryTimeoutMs: number;
  readonly queryMaxSamples: number;
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
};

/** The engine settings these flags make. */
export function engineOptions(c: AggregatorConfig): EngineOptions {
  return { ...DEFAULT_ENGINE, lookbackMs: c.queryLookbackMs, timeoutMs: c.queryTimeoutMs, maxSamples: c.queryMaxSamples };
}
