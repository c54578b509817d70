import { readFileSync } from 'node:fs';
import { DEFAULT_AGENT, type AgentConfig } from '../agent/config.ts';
import { startAgent } from '../agent/main.ts';
import { consoleLogger } from '../protocol/log.ts';
import { AGENT_ID_RULE, isValidAgentId } from '../protocol/topics.ts';
import { UsageError, type Command, type FlagSpecs, type FlagValues } from './flags.ts';
import { runUntilSignal } from './lifecycle.ts';

export const agentFlags = {
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

export function agentConfigFrom(values: FlagValues): AgentConfig {
  const id = values.id as string;
  if (!isValidAgentId(id)) throw new UsageError(`--id ${JSON.stringify(id)}: must be ${AGENT_ID_RULE}`);
  const broker = values.broker as string;
  if (!/^mqtts?:\/\/[^/]+/.test(broker)) throw new UsageError(`--broker ${JSON.stringify(broker)}: expected mqtt://host:port or mqtts://host:port`);
  const passwordFile = values['password-file'] as string | undefined;
  let password = process.env.OUTPOST_AGENT_PASSWORD;
  if (passwordFile !== undefined) {
    try {
      password = readFileSync(passwordFile, 'utf8').trim();
    } catch (err) {
      throw new UsageError(`--password-file ${JSON.stringify(passwordFile)}: cannot read it (${(err as Error).message})`);
    }
  }
  return {
    ...DEFAULT_AGENT,
    id,
    brokerUrl: broker,
    ...(password !== undefined ? { password } : {}),
    intervalMs: values.interval as number,
    dataDir: values['data-dir'] as string,
    windowSize: values.window as number,
    ackTimeoutMs: values['ack-timeout'] as number,
    procPath: values['proc-path'] as string,
    sysPath: values['sys-path'] as string,
  };
}

export const agentCommand: Command = {
  name: 'agent',
  summary: 'Collect host metrics, queue them durably and push them to the aggregator over MQTT.',
  flags: agentFlags,
  async run(values) {
    const agent = await startAgent(agentConfigFrom(values), consoleLogger('agent'));
    await runUntilSignal(() => agent.close());
  },
};
