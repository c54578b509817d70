// The aggregator's effective settings as Prometheus' status pages show theirs: /api/v1/status/flags (each flag as
// text) and /api/v1/status/config (the configuration as YAML, secrets hidden).
import { stringify } from 'yaml';
import { formatDurationMs } from '../promql/duration.ts';
import { formatBase2Bytes } from './byte-size.ts';
import type { AggregatorConfig } from './config.ts';

const hostPort = (host: string, port: number) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/**
 * Each setting under the command-line flag that sets it (cli/aggregator-command.ts declares the same names; a test
 * holds the two lists equal), as Prometheus' flags page: every flag, unset ones as "".
 */
export function configFlags(c: AggregatorConfig): Record<string, string> {
  const b = c.mqttBroker;
  return {
    'alertmanager.url': c.alertmanagerUrls.join(','),
    'dashboards-dir': c.dashboardsDir,
    'data-dir': c.dataDir,
    'http-allow-anonymous': String(c.httpAllowAnonymous),
    'http-auth-token-file': c.httpAuthTokenFile ?? '',
    'http-basic-auth-file': c.httpBasicAuthFile ?? '',
    'http-listen': hostPort(c.httpHost, c.httpPort),
    'mqtt-allow-anonymous': String(c.mqttAllowAnonymous),
    'mqtt-broker': b?.url ?? '',
    'mqtt-broker-client-id': b?.clientId ?? '',
    // Only whether one is set: the file's path is not kept, and the password itself is never shown.
    'mqtt-broker-password-file': b?.password !== undefined ? '<secret>' : '',
    'mqtt-broker-tls-ca': b?.tls?.caFile ?? '',
    'mqtt-broker-tls-cert': b?.tls?.certFile ?? '',
    'mqtt-broker-tls-key': b?.tls?.keyFile ?? '',
    'mqtt-broker-tls-server-name': b?.tls?.serverName ?? '',
    'mqtt-broker-username': b?.username ?? '',
    'mqtt-credentials': c.mqttCredentialsFile ?? '',
    'mqtt-listen': hostPort(c.mqttHost, c.mqttPort),
    'mqtt-shared-group': b?.sharedGroup ?? '',
    'mqtt-tls-cert': c.mqttTls?.certFile ?? '',
    'mqtt-tls-client-ca': c.mqttTls?.clientCaFile ?? '',
    'mqtt-tls-key': c.mqttTls?.keyFile ?? '',
    'query.lookback-delta': formatDurationMs(c.queryLookbackMs),
    'query.max-samples': String(c.queryMaxSamples),
    'query.timeout': formatDurationMs(c.queryTimeoutMs),
    'remote-write.config': c.remoteWriteConfigFile ?? '',
    'remote-write.url': c.remoteWriteUrl ?? '',
    // As for the broker password: whether one is set, never the token.
    'remote-write-receiver.token-file': c.remoteWriteReceiverToken !== undefined ? SECRET : '',
    'rules.alert.resend-delay': formatDurationMs(c.ruleResendDelayMs),
    'rules.evaluation-interval': formatDurationMs(c.ruleEvaluationIntervalMs),
    'rules.file': c.ruleFiles.join(','),
    'storage.max-series-per-agent': String(c.maxSeriesPerAgent),
    'storage.remote.flush-deadline': formatDurationMs(c.remoteFlushDeadlineMs),
    'storage.tsdb.out-of-order-time-window': formatDurationMs(c.storageOutOfOrderWindowMs),
    'storage.tsdb.retention.size': formatBase2Bytes(c.storageRetentionBytes),
    'storage.tsdb.retention.time': formatDurationMs(c.storageRetentionMs),
  };
}

/** Names of settings that hold a secret itself (a file holding one is only a path): shown as Prometheus does. */
const SECRET_NAME = /(?:^|_)(?:password|secret|token|credentials|api_key|private_key)$/;
const SECRET = '<secret>';

/**
 * The configuration as YAML with snake_case keys, durations (`…Ms` fields) in Prometheus' notation, and unset
 * optional settings left out. Keys are derived from the config's own fields, so a new setting shows up by itself.
 */
export function configYaml(c: AggregatorConfig): string {
  return stringify(view(c));
}

function view(value: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const ms = key.endsWith('Ms') && typeof v === 'number';
    // Only camelCase field names are renamed: keys that are data, such as HTTP header names, stay as they are.
    const name = /^[a-z][a-zA-Z0-9]*$/.test(key) ? (ms ? key.slice(0, -2) : key).replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`) : key;
    out[name] = SECRET_NAME.test(name) ? SECRET : ms ? formatDurationMs(v) : nested(v);
  }
  return out;
}

function nested(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(nested);
  return typeof v === 'object' && v !== null ? view(v) : v;
}
