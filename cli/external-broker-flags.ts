import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { brokerTlsProblem, brokerUrlProblem } from '../agent/config/broker-client.ts';
import { DEFAULT_EXTERNAL_BROKER, type ClientTlsFiles, type ExternalBrokerConfig } from '../aggregator/ingest/external-broker.ts';
import { UsageError, type FlagSpecs, type FlagValues } from './flags.ts';

/** `outpost aggregator` as a client of the site's broker (README "External broker and scaling out"). */
export const externalBrokerFlags = {
  'mqtt-broker': {
    kind: 'string',
    description: 'ingest from this broker (mqtt:// or mqtts://, e.g. mosquitto 2) instead of embedding one (the embedded broker flags --mqtt-listen, --mqtt-credentials, --mqtt-allow-anonymous and --mqtt-tls-* do not combine with it)',
  },
  'mqtt-broker-username': { kind: 'string', description: "the aggregator's user at --mqtt-broker", default: DEFAULT_EXTERNAL_BROKER.username },
  'mqtt-broker-password-file': { kind: 'string', description: "file holding that user's password (or set OUTPOST_AGGREGATOR_PASSWORD)" },
  'mqtt-broker-client-id': {
    kind: 'string',
    description: `MQTT client id, which keys the broker-side session (default ${DEFAULT_EXTERNAL_BROKER.clientId}; with --mqtt-shared-group ${DEFAULT_EXTERNAL_BROKER.clientId}-<host>-<pid>)`,
  },
  'mqtt-broker-tls-ca': { kind: 'string', description: "CA certificate (PEM) that signed an mqtts:// broker's certificate; default: the system's CAs" },
  'mqtt-broker-tls-cert': { kind: 'string', description: 'client certificate (PEM) for a broker that requires one' },
  'mqtt-broker-tls-key': { kind: 'string', description: "the client certificate's private key (PEM)" },
  'mqtt-broker-tls-server-name': { kind: 'string', description: "name the broker's certificate must carry, when not the URL's host" },
  'mqtt-shared-group': {
    kind: 'string',
    description: 'split the batches with the other aggregators of this group (MQTT 5 shared subscription $share/<group>/…)',
  },
} satisfies FlagSpecs;

/** Flags that configure the embedded broker, and so contradict --mqtt-broker when given with it. */
const EMBEDDED_ONLY = ['mqtt-listen', 'mqtt-credentials', 'mqtt-allow-anonymous', 'mqtt-tls-cert', 'mqtt-tls-key', 'mqtt-tls-client-ca'];

const TLS_FLAGS = [
  ['mqtt-broker-tls-ca', 'caFile'],
  ['mqtt-broker-tls-cert', 'certFile'],
  ['mqtt-broker-tls-key', 'keyFile'],
  ['mqtt-broker-tls-server-name', 'serverName'],
] as const;

/** The external broker settings, or undefined for the embedded broker; contradictions are usage errors. */
export function externalBrokerFrom(values: FlagValues, given: ReadonlySet<string>): ExternalBrokerConfig | undefined {
  const url = values['mqtt-broker'] as string | undefined;
  const clientFlags = Object.keys(externalBrokerFlags).filter((f) => f !== 'mqtt-broker' && given.has(f));
  if (url === undefined) {
    if (clientFlags.length > 0) throw new UsageError(`--${clientFlags[0]} needs --mqtt-broker`);
    return undefined;
  }
  const embedded = EMBEDDED_ONLY.filter((f) => given.has(f));
  if (embedded.length > 0) throw new UsageError(`--${embedded[0]} configures the embedded broker, which --mqtt-broker replaces`);
  const problem = brokerUrlProblem(url, 'give --mqtt-broker-username and --mqtt-broker-password-file');
  // The URL is not echoed: a mistaken one may hold a password.
  if (problem) throw new UsageError(`--mqtt-broker: ${problem}`);
  const group = values['mqtt-shared-group'] as string | undefined;
  // MQTT 5 §4.8.2: a ShareName is one topic level without wildcards.
  if (group !== undefined && /[/+#]/.test(group)) throw new UsageError(`--mqtt-shared-group ${JSON.stringify(group)}: must not contain "/", "+" or "#"`);
  const password = readPassword(values['mqtt-broker-password-file'] as string | undefined);
  const tls = tlsFrom(values);
  const clientId =
    (values['mqtt-broker-client-id'] as string | undefined) ??
    (group === undefined ? DEFAULT_EXTERNAL_BROKER.clientId : `${DEFAULT_EXTERNAL_BROKER.clientId}-${hostname()}-${process.pid}`);
  return {
    ...DEFAULT_EXTERNAL_BROKER,
    url,
    username: values['mqtt-broker-username'] as string,
    ...(password !== undefined ? { password } : {}),
    ...(tls !== undefined ? { tls } : {}),
    clientId,
    ...(group !== undefined ? { sharedGroup: group } : {}),
  };
}

function readPassword(file: string | undefined): string | undefined {
  if (file === undefined) return process.env.OUTPOST_AGGREGATOR_PASSWORD;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new UsageError(`--mqtt-broker-password-file ${JSON.stringify(file)}: cannot read it (${(err as Error).message})`);
  }
}

function tlsFrom(values: FlagValues): ClientTlsFiles | undefined {
  const tls: { -readonly [K in keyof ClientTlsFiles]: ClientTlsFiles[K] } = {};
  for (const [flag, key] of TLS_FLAGS) if (values[flag] !== undefined) tls[key] = values[flag] as string;
  if (Object.keys(tls).length === 0) return undefined;
  const bad = brokerTlsProblem(tls);
  if (bad) throw new UsageError(`--${TLS_FLAGS.find(([, key]) => key === bad.key)?.[0]}: ${bad.problem}`);
  return tls;
}
