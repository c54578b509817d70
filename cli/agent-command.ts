import { readFileSync } from 'node:fs';
import { DEFAULT_AGENT, type AgentConfig } from '../agent/config/defaults.ts';
import { startAgent } from '../agent/main.ts';
import { consoleLogger } from '../protocol/log.ts';
import { AGENT_ID_RULE, isValidAgentId } from '../protocol/topics.ts';
import { readAgentFile, type AgentFileSettings } from '../agent/config/file.ts';
import { ConfigError } from '../agent/config/yaml-reader.ts';
import { UsageError, type Command, type FlagSpecs, type ParsedFlags } from './flags.ts';
import { runUntilSignal } from './lifecycle.ts';

export const agentFlags = {
  config: { kind: 'string', description: 'YAML config file (agent/agent.example.yaml); re-read on SIGHUP and on change' },
  id: { kind: 'string', description: `agent id: MQTT user name and instance label; ${AGENT_ID_RULE}`, default: DEFAULT_AGENT.id },
  broker: { kind: 'string', description: 'MQTT broker URL (mqtt:// or mqtts://)', default: DEFAULT_AGENT.brokerUrl },
  'password-file': { kind: 'string', description: 'file holding the broker password (or set OUTPOST_AGENT_PASSWORD)' },
  interval: { kind: 'duration', description: 'collection interval', default: `${DEFAULT_AGENT.intervalMs / 1000}s` },
  'data-dir': { kind: 'string', description: 'directory for the durable queue', default: DEFAULT_AGENT.dataDir },
  window: { kind: 'count', description: 'batches in flight before waiting for acks', default: DEFAULT_AGENT.windowSize },
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
  if (!/^mqtts?:\/\/[^/]+/.test(broker)) throw new UsageError(`--broker ${JSON.stringify(broker)}: expected mqtt://host:port or mqtts://host:port`);
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
    intervalMs: pick('interval', file.intervalMs),
    dataDir: pick('data-dir', file.dataDir),
    windowSize: pick('window', file.windowSize),
    ackTimeoutMs: pick('ack-timeout', file.ackTimeoutMs),
    procPath: pick('proc-path', file.procPath),
    sysPath: pick('sys-path', file.sysPath),
    ...(configFile !== undefined ? { configFile } : {}),
  };
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
