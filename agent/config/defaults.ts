import { hostname } from 'node:os';
import type { ScrapeConfig } from '../collect/scrape/scrape-config.ts';
import { DEFAULT_BACKOFF, type BackoffPolicy } from '../publish/backoff.ts';
import type { BrokerClientTls } from '../publish/publisher.ts';

export interface AgentConfig {
  /** The agent's identity: MQTT user name, topic level and `instance` label. */
  readonly id: string;
  readonly brokerUrl: string;
  /** Broker password for this agent, if the broker asks for one. Never logged. */
  readonly password?: string;
  /** CA, client certificate and key for an `mqtts://` broker. */
  readonly tls?: BrokerClientTls;
  readonly intervalMs: number;
  /** Holds the LMDB queue; must be writable. */
  readonly dataDir: string;
  readonly windowSize: number;
  readonly ackTimeoutMs: number;
  readonly keepaliveSec: number;
  readonly backoff: BackoffPolicy;
  /** Roots of the host's /proc and /sys (changed for containers that mount the host's elsewhere). */
  readonly procPath: string;
  readonly sysPath: string;
  /** Host collectors on (node_exporter's job); off for an agent that only scrapes. */
  readonly hostEnabled: boolean;
  /** Collectors run on a cron expression instead of the interval, by collector name. */
  readonly collectorCron: Readonly<Record<string, string>>;
  readonly scrapeConfigs: readonly ScrapeConfig[];
  /** Samples produced within this window go into one batch. */
  readonly batchDelayMs: number;
  /** The YAML file the configuration came from, re-read on SIGHUP and on change. */
  readonly configFile?: string;
}

/** The host name made into a valid agent id: dots and dashes kept, anything else becomes "-". */
export function defaultAgentId(name = hostname()): string {
  const id = name.replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64);
  return id === '' ? 'agent' : id;
}

export const DEFAULT_AGENT: AgentConfig = {
  id: defaultAgentId(),
  brokerUrl: 'mqtt://127.0.0.1:1883',
  intervalMs: 15_000,
  dataDir: './data/agent',
  windowSize: 8,
  ackTimeoutMs: 30_000,
  keepaliveSec: 30,
  backoff: DEFAULT_BACKOFF,
  procPath: '/proc',
  sysPath: '/sys',
  hostEnabled: true,
  collectorCron: {},
  scrapeConfigs: [],
  batchDelayMs: 1_000,
};
