import { hostname } from 'node:os';
import type { ScrapeConfig } from '../collect/scrape/scrape-config.ts';
import { DEFAULT_BACKOFF, type BackoffPolicy } from '../publish/backoff.ts';
import type { BrokerClientTls } from '../publish/publisher.ts';
import { DEFAULT_EDGE_RULES, type EdgeRulesConfig } from '../rules/config.ts';

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
  /** Payload bytes the queue may hold while the link is down; past it the oldest batches are dropped. */
  readonly maxQueueBytes: number;
  /** How long a batch may wait for its ack before it is dropped as too old. */
  readonly maxQueueAgeMs: number;
  readonly windowSize: number;
  /** Payload bytes per second the backlog may take while it drains after an outage; 0 means no cap. */
  readonly backlogBytesPerSec: number;
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
  /** Edge rules: rule files, the local window they read, Alertmanagers and the local hook (agent/rules/). */
  readonly rules: EdgeRulesConfig;
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
  // Sized for a Raspberry Pi class device (SD card, 1 GB of RAM): 256 MiB holds about two days of one host's
  // node metrics at 15 s (~20 KB a batch); data older than a week is rarely worth sending late.
  maxQueueBytes: 256 * 1024 * 1024,
  maxQueueAgeMs: 7 * 24 * 3600_000,
  windowSize: 8,
  // 2 Mbit/s: well under a 4G uplink, so live data and the device's other traffic keep their room, yet a day of one
  // host's node metrics (~115 MB at 15 s) drains in under 8 minutes, about 200 times faster than it was collected.
  backlogBytesPerSec: 256 * 1024,
  ackTimeoutMs: 30_000,
  keepaliveSec: 30,
  backoff: DEFAULT_BACKOFF,
  procPath: '/proc',
  sysPath: '/sys',
  hostEnabled: true,
  collectorCron: {},
  scrapeConfigs: [],
  rules: DEFAULT_EDGE_RULES,
  batchDelayMs: 1_000,
};
