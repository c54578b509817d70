import { readFileSync } from 'node:fs';
import type { Node } from 'yaml';
import { ConfigError, YamlReader } from '../../agent/config/yaml-reader.ts';

/** Prometheus' queue_config names and meanings, except where a comment says otherwise. */
export interface RemoteWriteQueueConfig {
  /** Samples waiting per shard; when a shard's queue is full its oldest sample is dropped (Prometheus blocks instead). */
  readonly capacity: number;
  /** Shards sending in parallel, each for its own share of the series. Outpost runs exactly this many. */
  readonly maxShards: number;
  readonly maxSamplesPerSend: number;
  /** Longest a sample waits for its batch to fill before the batch is sent anyway. */
  readonly batchSendDeadlineMs: number;
  /** Retry delays on 5xx, 429 and network errors: doubling from min to max, or the server's Retry-After. */
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
}

/** One remote_write entry, in Prometheus' shape (configuration.md, <remote_write>), the part Outpost implements. */
export interface RemoteWriteConfig {
  readonly url: string;
  /** Names this remote in log lines; the URL's host and path when not given. */
  readonly name: string;
  readonly remoteTimeoutMs: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Sent as `Authorization: <type> <credentials>`. */
  readonly authorization?: { readonly type: string; readonly credentials: string };
  readonly basicAuth?: { readonly username: string; readonly password: string };
  readonly queue: RemoteWriteQueueConfig;
}

/** Prometheus 3's defaults, but fewer shards: one aggregator's ingest needs little concurrency. */
export const DEFAULT_REMOTE_WRITE_QUEUE: RemoteWriteQueueConfig = {
  capacity: 10_000,
  maxShards: 4,
  maxSamplesPerSend: 2_000,
  batchSendDeadlineMs: 5_000,
  minBackoffMs: 30,
  maxBackoffMs: 5_000,
};

export const DEFAULT_REMOTE_TIMEOUT_MS = 30_000;

/** Headers the sender sets itself (Prometheus refuses the same in `headers`). */
const RESERVED_HEADERS = new Set([
  'authorization', 'host', 'content-encoding', 'content-length', 'content-type', 'user-agent', 'connection',
  'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'www-authenticate', 'accept-encoding',
  'x-prometheus-remote-write-version', 'x-prometheus-remote-read-version',
]);

/** Why a remote write URL is unusable, or undefined. */
export function remoteUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `not a URL: ${JSON.stringify(url)}`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `must be http:// or https://, got ${JSON.stringify(url)}`;
  if (parsed.username !== '' || parsed.password !== '') return 'must not hold credentials: use basic_auth or authorization in the config file';
  return undefined;
}

/** A remote with every default: what `--remote-write.url` makes. */
export function remoteWriteTo(url: string): RemoteWriteConfig {
  const { host, pathname } = new URL(url);
  return { url, name: `${host}${pathname}`, remoteTimeoutMs: DEFAULT_REMOTE_TIMEOUT_MS, headers: {}, queue: DEFAULT_REMOTE_WRITE_QUEUE };
}

const ENTRY_KEYS = ['url', 'name', 'remote_timeout', 'headers', 'authorization', 'basic_auth', 'queue_config'];
const QUEUE_KEYS = ['capacity', 'max_shards', 'max_samples_per_send', 'batch_send_deadline', 'min_backoff', 'max_backoff'];

/**
 * Reads a YAML file with a `remote_write:` list in Prometheus' shape, so that section of a prometheus.yml can be
 * pasted in. Unknown keys and bad values throw ConfigError naming the file, line and key; secret files are read here.
 */
export function readRemoteWriteFile(file: string, text = readText(file)): RemoteWriteConfig[] {
  const r = YamlReader.parse(file, text);
  const top = r.map(r.root, '', ['remote_write']);
  return r.list(top.get('remote_write'), 'remote_write').map((item, i) => readEntry(r, item, `remote_write[${i}]`));
}

function readEntry(r: YamlReader, node: Node | null, path: string): RemoteWriteConfig {
  const f = r.map(node, path, ENTRY_KEYS);
  if (!f.has('url')) throw r.error(node, path, 'url is required');
  const url = r.string(f.get('url'), `${path}.url`);
  const problem = remoteUrlProblem(url);
  if (problem) throw r.error(f.get('url'), `${path}.url`, problem);
  const base = remoteWriteTo(url);
  const headers = r.stringMap(f.get('headers'), `${path}.headers`);
  for (const name of Object.keys(headers)) {
    if (RESERVED_HEADERS.has(name.toLowerCase())) throw r.error(f.get('headers'), `${path}.headers.${name}`, 'is set by Outpost itself and cannot be configured');
  }
  if (f.has('authorization') && f.has('basic_auth')) throw r.error(node, path, 'at most one of basic_auth and authorization may be configured');
  const positive = (key: string) => {
    const ms = r.duration(f.get(key), `${path}.${key}`);
    if (ms <= 0) throw r.error(f.get(key), `${path}.${key}`, 'must be greater than 0');
    return ms;
  };
  return {
    ...base,
    name: f.has('name') ? r.string(f.get('name'), `${path}.name`) : base.name,
    remoteTimeoutMs: f.has('remote_timeout') ? positive('remote_timeout') : base.remoteTimeoutMs,
    headers,
    ...(f.has('authorization') ? { authorization: readAuthorization(r, f.get('authorization') ?? null, `${path}.authorization`) } : {}),
    ...(f.has('basic_auth') ? { basicAuth: readBasicAuth(r, f.get('basic_auth') ?? null, `${path}.basic_auth`) } : {}),
    queue: readQueue(r, f.get('queue_config') ?? null, `${path}.queue_config`),
  };
}

function readAuthorization(r: YamlReader, node: Node | null, path: string): { type: string; credentials: string } {
  const f = r.map(node, path, ['type', 'credentials', 'credentials_file']);
  const type = f.has('type') ? r.string(f.get('type'), `${path}.type`) : 'Bearer';
  return { type, credentials: secret(r, f, path, 'credentials') };
}

function readBasicAuth(r: YamlReader, node: Node | null, path: string): { username: string; password: string } {
  const f = r.map(node, path, ['username', 'password', 'password_file']);
  if (!f.has('username')) throw r.error(node, path, 'username is required');
  return { username: r.string(f.get('username'), `${path}.username`), password: secret(r, f, path, 'password') };
}

/** `key` or `key_file` (trimmed, as Prometheus reads secret files), never both. */
function secret(r: YamlReader, f: Map<string, Node | null>, path: string, key: string): string {
  const fileKey = `${key}_file`;
  if (f.has(key) && f.has(fileKey)) throw r.error(f.get(fileKey), `${path}.${fileKey}`, `at most one of ${key} and ${fileKey} may be configured`);
  if (f.has(key)) return r.string(f.get(key), `${path}.${key}`);
  if (!f.has(fileKey)) throw r.error(null, path, `${key} or ${fileKey} is required`);
  const file = r.string(f.get(fileKey), `${path}.${fileKey}`);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw r.error(f.get(fileKey), `${path}.${fileKey}`, `cannot read ${file}: ${(err as Error).message}`);
  }
}

function readQueue(r: YamlReader, node: Node | null, path: string): RemoteWriteQueueConfig {
  const f = r.map(node, path, QUEUE_KEYS);
  const d = DEFAULT_REMOTE_WRITE_QUEUE;
  const count = (key: string, dflt: number) => (f.has(key) ? r.count(f.get(key), `${path}.${key}`, 1) : dflt);
  const duration = (key: string, dflt: number) => (f.has(key) ? r.duration(f.get(key), `${path}.${key}`) : dflt);
  const queue: RemoteWriteQueueConfig = {
    capacity: count('capacity', d.capacity),
    maxShards: count('max_shards', d.maxShards),
    maxSamplesPerSend: count('max_samples_per_send', d.maxSamplesPerSend),
    batchSendDeadlineMs: duration('batch_send_deadline', d.batchSendDeadlineMs),
    minBackoffMs: duration('min_backoff', d.minBackoffMs),
    maxBackoffMs: duration('max_backoff', d.maxBackoffMs),
  };
  if (queue.batchSendDeadlineMs <= 0) throw r.error(f.get('batch_send_deadline'), `${path}.batch_send_deadline`, 'must be greater than 0');
  if (queue.minBackoffMs > queue.maxBackoffMs) throw r.error(f.get('min_backoff'), `${path}.min_backoff`, 'must not be greater than max_backoff');
  return queue;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, undefined, '', `cannot read the remote write config file: ${(err as Error).message}`);
  }
}
