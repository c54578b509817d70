import { DEFAULT_AGGREGATOR, type AggregatorConfig } from '../aggregator/config.ts';
import { startAggregator } from '../aggregator/main.ts';
import { consoleLogger } from '../protocol/log.ts';
import type { Address, Command, FlagSpecs, FlagValues } from './flags.ts';
import { runUntilSignal } from './lifecycle.ts';

export const aggregatorFlags = {
  'data-dir': { kind: 'string', description: 'directory for the store and agent registry', default: DEFAULT_AGGREGATOR.dataDir },
  'http-listen': {
    kind: 'address',
    description: 'HTTP API and dashboard address',
    default: `${DEFAULT_AGGREGATOR.httpHost}:${DEFAULT_AGGREGATOR.httpPort}`,
  },
  'mqtt-listen': {
    kind: 'address',
    description: 'embedded MQTT broker address (0.0.0.0:1883 to accept agents from the network)',
    default: `${DEFAULT_AGGREGATOR.mqttHost}:${DEFAULT_AGGREGATOR.mqttPort}`,
  },
} satisfies FlagSpecs;

export function aggregatorConfigFrom(values: FlagValues): AggregatorConfig {
  const http = values['http-listen'] as Address;
  const mqtt = values['mqtt-listen'] as Address;
  return {
    dataDir: values['data-dir'] as string,
    httpHost: http.host,
    httpPort: http.port,
    mqttHost: mqtt.host,
    mqttPort: mqtt.port,
  };
}

export const aggregatorCommand: Command = {
  name: 'aggregator',
  summary: 'Run the embedded MQTT broker, store what agents send, and serve the Prometheus HTTP API and dashboard.',
  flags: aggregatorFlags,
  async run({ values }) {
    const aggregator = await startAggregator(aggregatorConfigFrom(values), consoleLogger('aggregator'));
    await runUntilSignal(() => aggregator.close());
  },
};
