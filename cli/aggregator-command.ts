import { DEFAULT_AGGREGATOR, type AggregatorConfig } from '../aggregator/config.ts';
import { HttpAuthSetupError } from '../aggregator/http/auth-setup.ts';
import { BrokerSetupError } from '../aggregator/ingest/broker-listen.ts';
import { CredentialsError } from '../aggregator/ingest/credentials.ts';
import { startAggregator } from '../aggregator/main.ts';
import { consoleLogger } from '../protocol/log.ts';
import { alertingFlags, alertingFrom } from './alerting-flags.ts';
import { externalBrokerFlags, externalBrokerFrom } from './external-broker-flags.ts';
import { httpFlags, httpFrom } from './http-flags.ts';
import { remoteWriteFlags, remoteWriteFrom } from './remote-write-flags.ts';
import { storageFlags, storageFrom } from './storage-flags.ts';
import { UsageError, type Address, type Command, type FlagSpecs, type FlagValues } from './flags.ts';
import { runUntilSignal } from './lifecycle.ts';

export const aggregatorFlags = {
  'data-dir': { kind: 'string', description: 'directory for the store and agent registry', default: DEFAULT_AGGREGATOR.dataDir },
  'http-listen': {
    kind: 'address',
    description: 'HTTP API and dashboard address',
    default: `${DEFAULT_AGGREGATOR.httpHost}:${DEFAULT_AGGREGATOR.httpPort}`,
  },
  ...httpFlags,
  'mqtt-listen': {
    kind: 'address',
    description: 'embedded MQTT broker address (0.0.0.0:1883 to accept agents from the network)',
    default: `${DEFAULT_AGGREGATOR.mqttHost}:${DEFAULT_AGGREGATOR.mqttPort}`,
  },
  'mqtt-credentials': {
    kind: 'string',
    description: 'password file in mosquitto_passwd format (make entries with outpost passwd); agents must log in; re-read on change and SIGHUP',
  },
  'mqtt-allow-anonymous': { kind: 'boolean', description: 'let the broker listen off loopback without --mqtt-credentials (anyone could send as any agent)' },
  'mqtt-tls-cert': { kind: 'string', description: 'serve mqtts:// with this certificate (PEM, with any intermediates)' },
  'mqtt-tls-key': { kind: 'string', description: 'the private key of --mqtt-tls-cert (PEM)' },
  'mqtt-tls-client-ca': { kind: 'string', description: 'require client certificates signed by this CA (PEM)' },
  ...externalBrokerFlags,
  'query.lookback-delta': {
    kind: 'duration',
    description: 'how far back an instant selector looks for a sample (as Prometheus)',
    default: `${DEFAULT_AGGREGATOR.queryLookbackMs / 60_000}m`,
  },
  'query.timeout': { kind: 'duration', description: 'longest a query may run', default: `${DEFAULT_AGGREGATOR.queryTimeoutMs / 60_000}m` },
  'query.max-samples': {
    kind: 'count',
    description: 'most samples a query may hold in memory at once',
    default: DEFAULT_AGGREGATOR.queryMaxSamples,
  },
  ...remoteWriteFlags,
  ...alertingFlags,
  ...storageFlags,
} satisfies FlagSpecs;

/** `given` names the flags set on the command line: some combinations contradict each other. */
export function aggregatorConfigFrom(values: FlagValues, given: ReadonlySet<string> = new Set()): AggregatorConfig {
  const http = values['http-listen'] as Address;
  const mqtt = values['mqtt-listen'] as Address;
  const mqttBroker = externalBrokerFrom(values, given);
  return {
    dataDir: values['data-dir'] as string,
    httpHost: http.host,
    httpPort: http.port,
    mqttHost: mqtt.host,
    mqttPort: mqtt.port,
    ...(values['mqtt-credentials'] !== undefined ? { mqttCredentialsFile: values['mqtt-credentials'] as string } : {}),
    mqttAllowAnonymous: values['mqtt-allow-anonymous'] === true,
    ...brokerTls(values),
    ...(mqttBroker !== undefined ? { mqttBroker } : {}),
    queryLookbackMs: values['query.lookback-delta'] as number,
    queryTimeoutMs: values['query.timeout'] as number,
    queryMaxSamples: values['query.max-samples'] as number,
    ...remoteWriteFrom(values),
    ...httpFrom(values),
    ...alertingFrom(values),
    ...storageFrom(values),
  };
}

function brokerTls(values: FlagValues): Pick<AggregatorConfig, 'mqttTls'> {
  const [certFile, keyFile, clientCaFile] = (['mqtt-tls-cert', 'mqtt-tls-key', 'mqtt-tls-client-ca'] as const).map((f) => values[f] as string | undefined);
  if (certFile === undefined && keyFile === undefined) {
    if (clientCaFile !== undefined) throw new UsageError('--mqtt-tls-client-ca needs --mqtt-tls-cert and --mqtt-tls-key');
    return {};
  }
  if (certFile === undefined || keyFile === undefined) throw new UsageError('--mqtt-tls-cert and --mqtt-tls-key must be given together');
  return { mqttTls: { certFile, keyFile, ...(clientCaFile !== undefined ? { clientCaFile } : {}) } };
}

/** Set-up mistakes the user fixes with a flag or a file: said plainly, without a stack trace. */
export function setupMistake(err: Error): never {
  throw err instanceof BrokerSetupError || err instanceof CredentialsError || err instanceof HttpAuthSetupError ? new UsageError(err.message) : err;
}

export const aggregatorCommand: Command = {
  name: 'aggregator',
  summary:
    'Run the embedded MQTT broker (or subscribe at an external one with --mqtt-broker), store what agents send, and serve the Prometheus HTTP API and dashboard.',
  flags: aggregatorFlags,
  async run({ values, given }) {
    const aggregator = await startAggregator(aggregatorConfigFrom(values, given), consoleLogger('aggregator')).catch(setupMistake);
    // As mosquitto: SIGHUP re-reads the credentials file (a change to the file is picked up by itself too).
    const onHangup = () => aggregator.reload();
    process.on('SIGHUP', onHangup);
    await runUntilSignal(() => aggregator.close());
    process.off('SIGHUP', onHangup);
  },
};
