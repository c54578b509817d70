import { readFileSync } from 'node:fs';
import { DEFAULT_AGENT, type AgentConfig } from '../agent/config/defaults.ts';
import { startAgent } from '../agent/main.ts';
import { consoleLogger } from '../protocol/log.ts';
import { AGENT_ID_RULE, isValidAgentId } from '../protocol/topics.ts';
import { brokerTlsProblem, brokerUrlProblem } from '../agent/config/broker-client.ts';
import { BYTE_RATE_RULE, BYTE_SIZE_RULE, formatByteSize, parseByteRate, parseByteSize } from '../agent/config/byte-size.ts';
import { readAgentFile, type AgentFileSettings } from '../agent/config/file.ts';
import type { BrokerClientTls } from '../agent/publish/publisher.ts';
import { ConfigError } from '../agent/config/yaml-reader.ts';
import { UsageError, type Command, type FlagSpecs, type ParsedFlags } from './flags.ts';
import { runUntilSignal } from './lifecycle.ts';

export const agentFlags = {
  config: { kind: 'string', description: 'YAML config file (agent/agent.example.yaml); re-read on SIGHUP and on change' },
  id: { kind: 'string', description: `agent id: MQTT user name and instance label; ${AGENT_ID_RULE}`, default: DEFAULT_AGENT.id },
  broker: { kind: 'string', description: 'MQTT broker URL (mqtt:// or mqtts://)', default: DEFAULT_AGENT.brokerUrl },
  'password-file': { kind: 'string', description: 'file holding the broker password, mode 0600 (or set OUTPOST_AGENT_PASSWORD)' },
  'tls-ca': { kind: 'string', description: "CA certificate (PEM) that signed an mqtts:// broker's certificate; default: the system's CAs" },
  'tls-cert': { kind: 'string', description: 'client certificate (PEM) for a broker that requires one' },
  'tls-key': { kind: 'string', description: "the client certificate's private key (PEM)" },
  'tls-server-name': { kind: 'string', description: "name the broker's certificate must carry, when not the URL's host" },
  interval: { kind: 'duration', description: 'collection interval', default: `${DEFAULT_AGENT.intervalMs / 1000}s` },
  'data-dir': { kind: 'string', description: 'directory for the durable queue', default: DEFAULT_AGENT.dataDir },
  'max-queue-bytes': { kind: 'string', description: 'queue bound: past it the oldest batches are dropped (e.g. 256MB, 2GB)', default: formatByteSize(DEFAULT_AGENT.maxQueueBytes) },
  'max-queue-age': { kind: 'duration', description: 'batches not acked within this time are dropped', default: `${DEFAULT_AGENT.maxQueueAgeMs / 86_400_000}d` },
  window: { kind: 'count', description: 'batches in flight before waiting for acks', default: DEFAULT_AGENT.windowSize },
  'backlog-rate': {
    kind: 'string',
    description: 'bandwidth cap for the backlog after an outage, per second (e.g. 64KB, 1MB; 0: none); live data is never held back',
    default: `${formatByteSize(DEFAULT_AGENT.backlogBytesPerSec)}/s`,
  },
  'ack-timeout': { kind: 'duration', description: 'resend a batch not acked within this time', default: `${DEFAULT_AGENT.ackTimeoutMs / 1000}s` },
  'proc-path': { kind: 'string', description: 'procfs mount point', default: DEFAULT_AGENT.procPath },
  'sys-path': { kind: 'string', description: 'sysfs mount point', default: DEFAULT_AGENT.sysPath },
} satisfies FlagSpecs;

/**
 * The agent's configuration: built-in defaults, then the config file, then the flags given on the command
 * line (an explicit flag beats the file, so one device can be tweaked without editing a shared file).
 */
export function agentConfigFrom({ values, given }: ParsedFlags, file: AgentFileSettings = {}): AgentConfig {
  const pick = <T>(flag: string, fromFile: T | undefined): T => (given.has(flag) || fromFile === undefined ? (values[flag] as T) : fromFile);
  const id = pick<string>('id', file.id);
  if (!isValidAgentId(id)) throw new UsageError(`--id ${JSON.stringify(id)}: must be ${AGENT_ID_RULE}`);
  const broker = pick<string>('broker', file.brokerUrl);
  const urlProblem = brokerUrlProblem(broker);
  // The URL is not echoed: a mistaken one may hold a password.
  if (urlProblem) throw new UsageError(`--broker: ${urlProblem}`);
  const tls = tlsFrom(values, file.tls);
  const passwordFile = values['password-file'] as string | undefined;
  let password = file.password ?? process.env.OUTPOST_AGENT_PASSWORD;
  if (passwordFile !== undefined) {
    try {
      password = readFileSync(passwordFile, 'utf8').trim();
    } catch (err) {
      throw new UsageError(`--password-file ${JSON.stringify(passwordFile)}: cannot read it (${(err as Error).message})`);
    }
  }
  const configFile = values.config as string | undefined;
  return {
    ...DEFAULT_AGENT,
    ...file,
    id,
    brokerUrl: broker,
    ...(password !== undefined ? { password } : {}),
    ...(tls !== undefined ? { tls } : {}),
    intervalMs: pick('interval', file.intervalMs),
    dataDir: pick('data-dir', file.dataDir),
    maxQueueBytes: given.has('max-queue-bytes') || file.maxQueueBytes === undefined ? queueBytes(values['max-queue-bytes'] as string) : file.maxQueueBytes,
    maxQueueAgeMs: pick('max-queue-age', file.maxQueueAgeMs),
    windowSize: pick('window', file.windowSize),
    backlogBytesPerSec: given.has('backlog-rate') || file.backlogBytesPerSec === undefined ? backlogRate(values['backlog-rate'] as string) : file.backlogBytesPerSec,
    ackTimeoutMs: pick('ack-timeout', file.ackTimeoutMs),
    procPath: pick('proc-path', file.procPath),
    sysPath: pick('sys-path', file.sysPath),
    ...(configFile !== undefined ? { configFile } : {}),
  };
}

function queueBytes(text: string): number {
  const bytes = parseByteSize(text);
  if (bytes === undefined || bytes <= 0) throw new UsageError(`--max-queue-bytes ${JSON.stringify(text)}: expected ${BYTE_SIZE_RULE}`);
  return bytes;
}

function backlogRate(text: string): number {
  const rate = parseByteRate(text);
  if (rate === undefined) throw new UsageError(`--backlog-rate ${JSON.stringify(text)}: expected ${BYTE_RATE_RULE}`);
  return rate;
}

const TLS_FLAGS = [
  ['tls-ca', 'caFile'],
  ['tls-cert', 'certFile'],
  ['tls-key', 'keyFile'],
  ['tls-server-name', 'serverName'],
] as const;

/** The file's `agent.tls` with each TLS flag given on the command line put over it. */
function tlsFrom(values: ParsedFlags['values'], fromFile: BrokerClientTls | undefined): BrokerClientTls | undefined {
  const tls: { -readonly [K in keyof BrokerClientTls]: BrokerClientTls[K] } = { ...fromFile };
  for (const [flag, key] of TLS_FLAGS) if (values[flag] !== undefined) tls[key] = values[flag] as string;
  if (Object.keys(tls).length === 0) return undefined;
  const bad = brokerTlsProblem(tls);
  if (bad) throw new UsageError(`--${TLS_FLAGS.find(([, key]) => key === bad.key)?.[0]}: ${bad.problem}`);
  return tls;
}

/** Reads --config (if given) and merges it with the flags; a bad file is a usage error naming file and line. */
export function loadAgentConfig(flags: ParsedFlags): AgentConfig {
  const file = flags.values.config as string | undefined;
  try {
    return agentConfigFrom(flags, file === undefined ? {} : readAgentFile(file));
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
}

export const agentCommand: Command = {
  name: 'agent',
  summary: 'Collect host metrics, queue them durably and push them to the aggregator over MQTT.',
  flags: agentFlags,
  async run(flags) {
    const agent = await startAgent(loadAgentConfig(flags), { log: consoleLogger('agent'), loadConfig: () => loadAgentConfig(flags) });
    const onHangup = () => agent.reload();
    process.on('SIGHUP', onHangup);
    await runUntilSignal(() => agent.close());
    process.off('SIGHUP', onHangup);
  },
};
