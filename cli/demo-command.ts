import { join } from 'node:path';
import { DEFAULT_AGENT } from '../agent/config/defaults.ts';
import { startAgent } from '../agent/main.ts';
import { startAggregator } from '../aggregator/main.ts';
import { consoleLogger } from '../protocol/log.ts';
import { agentConfigFrom, agentFlags } from './agent-command.ts';
import { aggregatorConfigFrom, aggregatorFlags, setupMistake } from './aggregator-command.ts';
import { defaultValues, type Command, type FlagSpecs } from './flags.ts';
import { runUntilSignal } from './lifecycle.ts';

const demoFlags = {
  'data-dir': { kind: 'string', description: 'directory for the aggregator and agent data', default: './data' },
  'http-listen': aggregatorFlags['http-listen'],
  // Listening beyond loopback needs one of these, as for `outpost aggregator`.
  'http-auth-token-file': aggregatorFlags['http-auth-token-file'],
  'http-basic-auth-file': aggregatorFlags['http-basic-auth-file'],
  'http-allow-anonymous': aggregatorFlags['http-allow-anonymous'],
  'mqtt-listen': aggregatorFlags['mqtt-listen'],
  'mqtt-allow-anonymous': aggregatorFlags['mqtt-allow-anonymous'],
  id: { kind: 'string', description: 'id of the agent for this host', default: DEFAULT_AGENT.id },
  interval: { kind: 'duration', description: 'collection interval', default: '5s' },
} satisfies FlagSpecs;

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Start an aggregator (with its embedded broker) and an agent for this host in one process.',
  flags: demoFlags,
  async run({ values }) {
    const dataDir = values['data-dir'] as string;
    const aggregator = await startAggregator(
      aggregatorConfigFrom({ ...values, 'data-dir': join(dataDir, 'aggregator') }),
      consoleLogger('aggregator'),
    ).catch(setupMistake);
    const { mqttHost, httpHost } = aggregatorConfigFrom(values);
    // The agent dials the broker; a wildcard listen address is not something to dial.
    const brokerHost = mqttHost === '0.0.0.0' || mqttHost === '::' ? '127.0.0.1' : mqttHost;
    const agent = await startAgent(
      agentConfigFrom({
        values: {
          ...defaultValues(agentFlags),
          id: values.id,
          interval: values.interval,
          broker: `mqtt://${brokerHost.includes(':') ? `[${brokerHost}]` : brokerHost}:${aggregator.mqttPort}`,
          'data-dir': join(dataDir, 'agent'),
        },
        given: new Set(),
      }),
      { log: consoleLogger('agent') },
    );
    process.stdout.write(`\nOutpost demo is running. Dashboard: http://${httpHost}:${aggregator.httpPort}/\nPress Ctrl-C to stop.\n\n`);
    await runUntilSignal(async () => {
      await agent.close();
      await aggregator.close();
    });
  },
};
