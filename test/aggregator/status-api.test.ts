import { hostname } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goTime, type StatusSources } from '../../aggregator/api/status.ts';
import { DEFAULT_AGGREGATOR, type AggregatorConfig } from '../../aggregator/config.ts';
import { configYaml } from '../../aggregator/config-view.ts';
import { aggregatorFlags } from '../../cli/aggregator-command.ts';
import { openApiFixture, type ApiFixture } from './api-fixture.ts';

const T = 1_700_000_000_000; // 2023-11-14T22:13:20Z

const config: AggregatorConfig = {
  ...DEFAULT_AGGREGATOR,
  dataDir: '/var/lib/outpost',
  httpHost: '::1',
  httpPort: 9999,
  mqttHost: '0.0.0.0',
  mqttCredentialsFile: '/etc/outpost/passwd',
  mqttTls: { certFile: '/etc/outpost/cert.pem', keyFile: '/etc/outpost/key.pem' },
  queryLookbackMs: 90_000,
  queryTimeoutMs: 86_400_000,
  queryMaxSamples: 1000,
  httpAuthTokenFile: '/etc/outpost/http-tokens',
  dashboardsDir: '/srv/outpost/dashboards',
  storageRetentionBytes: 1536 * 1024 * 1024,
};
const build = { version: '9.8.7', revision: 'abc', branch: 'main', buildUser: 'u', buildDate: 'd', goVersion: 'v20.0.0' };
const status: StatusSources = { config, startedAtMs: T + 120, build };

let api: ApiFixture;
beforeAll(async () => {
  api = await openApiFixture({ status, now: () => T + 60_000 });
});
afterAll(() => api.close());

const body = async (path: string) => {
  const res = await api.request(path);
  expect(res.status).toBe(200);
  expect(res.type).toContain('application/json');
  return res.json();
};

describe('/api/v1/status/buildinfo', () => {
  it('answers the build with Prometheus’ fields in its order, and no features for Grafana to mistake', async () => {
    const res = await api.request('/api/v1/status/buildinfo');
    expect(res.text).toBe(`{"status":"success","data":${JSON.stringify(build)}}`);
  });

  it('defaults to package.json’s version when the app is given no status', async () => {
    const bare = await openApiFixture();
    try {
      const { version } = (await import('../../package.json', { with: { type: 'json' } })).default;
      expect((await bare.request('/api/v1/status/buildinfo')).json().data.version).toBe(version);
      expect((await bare.request('/api/v1/status/flags')).json().data['data-dir']).toBe(DEFAULT_AGGREGATOR.dataDir);
    } finally {
      await bare.close();
    }
  });
});

describe('/api/v1/status/runtimeinfo', () => {
  it('fills Prometheus’ fields, in its order, with the Node.js process’ values', async () => {
    const { data } = await body('/api/v1/status/runtimeinfo');
    expect(Object.keys(data)).toEqual([
      'startTime', 'CWD', 'hostname', 'serverTime', 'reloadConfigSuccess', 'lastConfigTime', 'corruptionCount',
      'goroutineCount', 'GOMAXPROCS', 'GOMEMLIMIT', 'GOGC', 'GODEBUG', 'storageRetention',
    ]);
    expect(data).toMatchObject({
      startTime: '2023-11-14T22:13:20.12Z',
      CWD: process.cwd(),
      hostname: hostname(),
      serverTime: '2023-11-14T22:14:20Z',
      reloadConfigSuccess: true,
      lastConfigTime: '2023-11-14T22:13:20Z',
      corruptionCount: 0,
      GOMAXPROCS: 1,
      GOMEMLIMIT: getHeapStatistics().heap_size_limit,
      GOGC: '',
      GODEBUG: process.env.NODE_OPTIONS ?? '',
      // Both bounds, as Prometheus joins them.
      storageRetention: '15d or 1GiB512MiB',
    });
    expect(data.goroutineCount).toBe(Math.trunc(data.goroutineCount));
    expect(data.goroutineCount).toBeGreaterThanOrEqual(0);
  });

  it.each([
    [T, '2023-11-14T22:13:20Z'],
    [T + 100, '2023-11-14T22:13:20.1Z'],
    [T + 5, '2023-11-14T22:13:20.005Z'],
    [T + 60_010, '2023-11-14T22:14:20.01Z'],
    [0, '1970-01-01T00:00:00Z'],
  ])('writes %d as Go writes a time: %s', (ms, text) => {
    expect(goTime(ms)).toBe(text);
  });
});

describe('/api/v1/status/flags', () => {
  it('lists every command-line flag, sorted, with its effective value as text', async () => {
    const res = await api.request('/api/v1/status/flags');
    const flags = res.json().data as Record<string, string>;
    expect(Object.keys(flags)).toEqual(Object.keys(aggregatorFlags).sort());
    expect(flags).toEqual({
      'alertmanager.url': '',
      'dashboards-dir': '/srv/outpost/dashboards',
      'data-dir': '/var/lib/outpost',
      'http-allow-anonymous': 'false',
      'http-auth-token-file': '/etc/outpost/http-tokens',
      'http-basic-auth-file': '',
      'http-listen': '[::1]:9999',
      'mqtt-allow-anonymous': 'false',
      'mqtt-broker': '',
      'mqtt-broker-client-id': '',
      'mqtt-broker-password-file': '',
      'mqtt-broker-tls-ca': '',
      'mqtt-broker-tls-cert': '',
      'mqtt-broker-tls-key': '',
      'mqtt-broker-tls-server-name': '',
      'mqtt-broker-username': '',
      'mqtt-credentials': '/etc/outpost/passwd',
      'mqtt-listen': '0.0.0.0:1883',
      'mqtt-shared-group': '',
      'mqtt-tls-cert': '/etc/outpost/cert.pem',
      'mqtt-tls-client-ca': '',
      'mqtt-tls-key': '/etc/outpost/key.pem',
      'query.lookback-delta': '1m30s',
      'query.max-samples': '1000',
      'query.timeout': '1d',
      'remote-write.config': '',
      'remote-write.url': '',
      'remote-write-receiver.token-file': '',
      'rules.alert.resend-delay': '1m',
      'rules.evaluation-interval': '1m',
      'rules.file': '',
      'storage.max-series-per-agent': '100000',
      'storage.remote.flush-deadline': '1m',
      'storage.tsdb.out-of-order-time-window': '1w',
      'storage.tsdb.retention.size': '1GiB512MiB',
      'storage.tsdb.retention.time': '15d',
    });
    expect(res.text.indexOf('"data-dir"')).toBeLessThan(res.text.indexOf('"query.timeout"'));
  });
});

describe('/api/v1/status/config', () => {
  it('shows the effective configuration as YAML, durations as Prometheus writes them', async () => {
    const { data } = await body('/api/v1/status/config');
    expect(Object.keys(data)).toEqual(['yaml']);
    expect(parse(data.yaml)).toEqual({
      data_dir: '/var/lib/outpost',
      http_host: '::1',
      http_port: 9999,
      mqtt_host: '0.0.0.0',
      mqtt_port: 1883,
      mqtt_allow_anonymous: false,
      mqtt_credentials_file: '/etc/outpost/passwd',
      mqtt_tls: { cert_file: '/etc/outpost/cert.pem', key_file: '/etc/outpost/key.pem' },
      query_lookback: '1m30s',
      query_timeout: '1d',
      query_max_samples: 1000,
      remote_write: [],
      remote_flush_deadline: '1m',
      http_auth_token_file: '/etc/outpost/http-tokens',
      http_allow_anonymous: false,
      dashboards_dir: '/srv/outpost/dashboards',
      storage_retention: '15d',
      storage_retention_bytes: 1536 * 1024 * 1024,
      storage_out_of_order_window: '1w',
      max_series_per_agent: 100000,
      alertmanager_urls: [],
      rule_files: [],
      rule_evaluation_interval: '1m',
      rule_resend_delay: '1m',
    });
  });

  it('never shows a secret, at any depth, only its name', () => {
    const withSecrets = { ...config, mqttPassword: 'hunter2', remote: { bearerToken: 'tok-123', apiKey: 'key-456', passwordFile: '/p' } };
    const yaml = configYaml(withSecrets as AggregatorConfig);
    for (const secret of ['hunter2', 'tok-123', 'key-456']) expect(yaml).not.toContain(secret);
    expect(parse(yaml)).toMatchObject({ mqtt_password: '<secret>', remote: { bearer_token: '<secret>', api_key: '<secret>', password_file: '/p' } });
  });
});
