import type { Node } from 'yaml';
import { isValidLabelName } from '../../../protocol/labels.ts';
import type { YamlReader } from '../../config/yaml-reader.ts';
import { parseRelabelRules, RelabelConfigError, type RelabelRule } from './relabel.ts';

export interface TlsConfig {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly serverName?: string;
  readonly insecureSkipVerify: boolean;
}

export interface TargetGroup {
  readonly targets: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  /** Where the group came from (static config or a file), for log lines. */
  readonly source: string;
}

export interface FileSdConfig {
  readonly files: readonly string[];
  readonly refreshIntervalMs: number;
}

/** One scrape job, in Prometheus' scrape_config shape (https://prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config). */
export interface ScrapeConfig {
  readonly jobName: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Outpost's addition: scrape on a cron schedule instead of every interval. */
  readonly cron?: string;
  readonly metricsPath: string;
  readonly scheme: 'http' | 'https';
  readonly params: Readonly<Record<string, readonly string[]>>;
  readonly basicAuth?: { readonly username: string; readonly password?: string; readonly passwordFile?: string };
  readonly authorization?: { readonly type: string; readonly credentials?: string; readonly credentialsFile?: string };
  readonly tls: TlsConfig;
  readonly honorLabels: boolean;
  readonly honorTimestamps: boolean;
  /** 0 means no limit, as in Prometheus. */
  readonly sampleLimit: number;
  readonly labelLimit: number;
  readonly labelNameLengthLimit: number;
  readonly labelValueLengthLimit: number;
  readonly bodySizeLimitBytes: number;
  readonly staticConfigs: readonly TargetGroup[];
  readonly fileSdConfigs: readonly FileSdConfig[];
  readonly relabelConfigs: readonly RelabelRule[];
  readonly metricRelabelConfigs: readonly RelabelRule[];
}

export interface ScrapeDefaults {
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/** Prometheus' global defaults. */
export const DEFAULT_SCRAPE: ScrapeDefaults = { intervalMs: 60_000, timeoutMs: 10_000 };

const KEYS = [
  'job_name', 'scrape_interval', 'scrape_timeout', 'scrape_cron', 'metrics_path', 'scheme', 'params', 'basic_auth',
  'authorization', 'tls_config', 'honor_labels', 'honor_timestamps', 'sample_limit', 'label_limit',
  'label_name_length_limit', 'label_value_length_limit', 'body_size_limit', 'static_configs', 'file_sd_configs',
  'relabel_configs', 'metric_relabel_configs',
] as const;

export function readScrapeConfigs(r: YamlReader, node: Node | null | undefined, defaults: ScrapeDefaults, validCron: (expr: string) => boolean): ScrapeConfig[] {
  const seen = new Set<string>();
  return r.list(node, 'scrape_configs').map((item, i) => {
    const path = `scrape_configs[${i}]`;
    const f = r.map(item, path, KEYS);
    const at = (key: string) => `${path}.${key}`;
    const opt = <T>(key: string, read: (n: Node | null, p: string) => T): T | undefined =>
      f.has(key) ? read(f.get(key) ?? null, at(key)) : undefined;

    if (!f.has('job_name')) throw r.error(item, path, 'job_name is required');
    const jobName = r.string(f.get('job_name'), at('job_name'));
    if (seen.has(jobName)) throw r.error(f.get('job_name'), at('job_name'), `duplicate job name ${JSON.stringify(jobName)}`);
    seen.add(jobName);

    const intervalMs = opt('scrape_interval', (n, p) => r.duration(n, p)) ?? defaults.intervalMs;
    const timeoutMs = opt('scrape_timeout', (n, p) => r.duration(n, p)) ?? Math.min(defaults.timeoutMs, intervalMs);
    if (timeoutMs > intervalMs) {
      throw r.error(f.get('scrape_timeout') ?? item, at('scrape_timeout'), `scrape timeout greater than scrape interval for scrape config with job name ${JSON.stringify(jobName)}`);
    }
    const cron = opt('scrape_cron', (n, p) => r.string(n, p));
    if (cron !== undefined && !validCron(cron)) throw r.error(f.get('scrape_cron'), at('scrape_cron'), `invalid cron expression ${JSON.stringify(cron)}`);

    const scheme = opt('scheme', (n, p) => r.string(n, p)) ?? 'http';
    if (scheme !== 'http' && scheme !== 'https') throw r.error(f.get('scheme'), at('scheme'), 'must be http or https');
    const metricsPath = opt('metrics_path', (n, p) => r.string(n, p)) ?? '/metrics';

    const relabel = (key: string) => {
      const raw = f.get(key);
      try {
        return parseRelabelRules(r.plain(raw) ?? [], at(key));
      } catch (err) {
        if (err instanceof RelabelConfigError) throw r.error(raw, at(key), err.message);
        throw err;
      }
    };

    return {
      jobName,
      intervalMs,
      timeoutMs,
      ...(cron !== undefined ? { cron } : {}),
      metricsPath,
      scheme,
      params: readParams(r, f.get('params'), at('params')),
      ...optional('basicAuth', opt('basic_auth', (n, p) => readBasicAuth(r, n, p))),
      ...optional('authorization', opt('authorization', (n, p) => readAuthorization(r, n, p))),
      tls: readTls(r, f.get('tls_config'), at('tls_config')),
      honorLabels: opt('honor_labels', (n, p) => r.boolean(n, p)) ?? false,
      honorTimestamps: opt('honor_timestamps', (n, p) => r.boolean(n, p)) ?? true,
      sampleLimit: opt('sample_limit', (n, p) => r.count(n, p)) ?? 0,
      labelLimit: opt('label_limit', (n, p) => r.count(n, p)) ?? 0,
      labelNameLengthLimit: opt('label_name_length_limit', (n, p) => r.count(n, p)) ?? 0,
      labelValueLengthLimit: opt('label_value_length_limit', (n, p) => r.count(n, p)) ?? 0,
      bodySizeLimitBytes: opt('body_size_limit', (n, p) => readBytes(r, n, p)) ?? 0,
      staticConfigs: r.list(f.get('static_configs'), at('static_configs')).map((g, j) => readTargetGroup(r, g, `${at('static_configs')}[${j}]`, `${r.file} ${jobName}`)),
      fileSdConfigs: r.list(f.get('file_sd_configs'), at('file_sd_configs')).map((g, j) => {
        const p = `${at('file_sd_configs')}[${j}]`;
        const sd = r.map(g, p, ['files', 'refresh_interval']);
        const files = r.list(sd.get('files'), `${p}.files`).map((n, k) => r.string(n, `${p}.files[${k}]`));
        if (files.length === 0) throw r.error(g, `${p}.files`, 'at least one file is required');
        const refreshIntervalMs = sd.has('refresh_interval') ? r.duration(sd.get('refresh_interval'), `${p}.refresh_interval`) : 5 * 60_000;
        return { files, refreshIntervalMs };
      }),
      relabelConfigs: relabel('relabel_configs'),
      metricRelabelConfigs: relabel('metric_relabel_configs'),
    };
  });
}

/** A target group as static_configs and file_sd files write it: `{targets: [...], labels: {...}}`. */
export function readTargetGroup(r: YamlReader, node: Node | null, path: string, source: string): TargetGroup {
  const g = r.map(node, path, ['targets', 'labels']);
  const targets = r.list(g.get('targets'), `${path}.targets`).map((n, k) => r.string(n, `${path}.targets[${k}]`));
  const labels = r.stringMap(g.get('labels'), `${path}.labels`);
  for (const name of Object.keys(labels)) {
    if (!isValidLabelName(name)) throw r.error(g.get('labels'), `${path}.labels`, `invalid label name ${JSON.stringify(name)}`);
  }
  return { targets, labels, source };
}

function readParams(r: YamlReader, node: Node | null | undefined, path: string): Record<string, string[]> {
  const raw = r.plain(node);
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw r.error(node, path, 'expected a mapping of name: [values]');
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(raw)) {
    const values = Array.isArray(v) ? v : [v];
    if (!values.every((x) => typeof x === 'string' || typeof x === 'number')) throw r.error(node, `${path}.${k}`, 'expected a list of strings');
    out[k] = values.map(String);
  }
  return out;
}

function readBasicAuth(r: YamlReader, node: Node | null, path: string) {
  const f = r.map(node, path, ['username', 'password', 'password_file']);
  if (f.has('password') && f.has('password_file')) throw r.error(node, path, 'at most one of password and password_file must be configured');
  return {
    username: f.has('username') ? r.string(f.get('username'), `${path}.username`) : '',
    ...optional('password', f.has('password') ? r.string(f.get('password'), `${path}.password`) : undefined),
    ...optional('passwordFile', f.has('password_file') ? r.string(f.get('password_file'), `${path}.password_file`) : undefined),
  };
}

function readAuthorization(r: YamlReader, node: Node | null, path: string) {
  const f = r.map(node, path, ['type', 'credentials', 'credentials_file']);
  if (f.has('credentials') && f.has('credentials_file')) throw r.error(node, path, 'at most one of credentials and credentials_file must be configured');
  const type = f.has('type') ? r.string(f.get('type'), `${path}.type`) : 'Bearer';
  if (type.toLowerCase() === 'basic') throw r.error(f.get('type'), `${path}.type`, 'authorization type cannot be set to "basic", use "basic_auth" instead');
  return {
    type,
    ...optional('credentials', f.has('credentials') ? r.string(f.get('credentials'), `${path}.credentials`) : undefined),
    ...optional('credentialsFile', f.has('credentials_file') ? r.string(f.get('credentials_file'), `${path}.credentials_file`) : undefined),
  };
}

function readTls(r: YamlReader, node: Node | null | undefined, path: string): TlsConfig {
  const f = r.map(node, path, ['ca_file', 'cert_file', 'key_file', 'server_name', 'insecure_skip_verify']);
  const s = (key: string) => (f.has(key) ? r.string(f.get(key), `${path}.${key}`) : undefined);
  const tls = {
    ...optional('caFile', s('ca_file')),
    ...optional('certFile', s('cert_file')),
    ...optional('keyFile', s('key_file')),
    ...optional('serverName', s('server_name')),
    insecureSkipVerify: f.has('insecure_skip_verify') ? r.boolean(f.get('insecure_skip_verify'), `${path}.insecure_skip_verify`) : false,
  };
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) throw r.error(node, path, 'cert_file and key_file must be configured together');
  return tls;
}

const BYTE_UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** Prometheus' units.Base2Bytes: `10MB` is 10 MiB. */
function readBytes(r: YamlReader, node: Node | null, path: string): number {
  const text = r.string(node, path);
  const m = /^(\d+)(B|KB|MB|GB|TB)?$/.exec(text);
  if (!m) throw r.error(node, path, `expected a size such as 512KB or 10MB, got ${JSON.stringify(text)}`);
  return Number(m[1]) * (BYTE_UNITS[m[2] ?? 'B'] as number);
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
