import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Node } from 'yaml';
import { AGENT_ID_RULE, isValidAgentId } from '../../protocol/topics.ts';
import { hostCollectors } from '../collect/host/index.ts';
import { isValidCron } from '../collect/schedule.ts';
import { DEFAULT_SCRAPE, readScrapeConfigs } from '../collect/scrape/scrape-config.ts';
import type { BrokerClientTls } from '../publish/publisher.ts';
import { readEdgeRulesConfig } from '../rules/config.ts';
import { brokerTlsProblem, brokerUrlProblem } from './broker-client.ts';
import { BYTE_RATE_RULE, BYTE_SIZE_RULE, parseByteRate, parseByteSize } from './byte-size.ts';
import type { AgentConfig } from './defaults.ts';
import { ConfigError, YamlReader } from './yaml-reader.ts';

/** What a config file may set: everything but the file's own name. */
export type AgentFileSettings = Partial<Omit<AgentConfig, 'configFile'>>;

// The names `host.cron` accepts are the collectors' own, so the list cannot drift from what exists.
const COLLECTORS = hostCollectors().map((c) => c.name);

/**
 * Reads the agent's YAML file (agent/agent.example.yaml documents every key). Any unknown key or bad value
 * throws ConfigError naming the file, line and key.
 */
export function readAgentFile(file: string, text = readText(file)): AgentFileSettings {
  const r = YamlReader.parse(file, text);
  const top = r.map(r.root, '', ['agent', 'global', 'host', 'scrape_configs', 'rule_files', 'rules', 'alerting']);
  const out: { -readonly [K in keyof AgentFileSettings]: AgentFileSettings[K] } = {};

  const agent = r.map(top.get('agent'), 'agent', ['id', 'broker', 'password_file', 'tls', 'data_dir', 'max_queue_bytes', 'max_queue_age', 'window', 'backlog_rate', 'ack_timeout', 'batch_delay']);
  if (agent.has('id')) {
    const id = r.string(agent.get('id'), 'agent.id');
    if (!isValidAgentId(id)) throw r.error(agent.get('id'), 'agent.id', `must be ${AGENT_ID_RULE}`);
    out.id = id;
  }
  if (agent.has('broker')) {
    const broker = r.string(agent.get('broker'), 'agent.broker');
    const problem = brokerUrlProblem(broker);
    if (problem) throw r.error(agent.get('broker'), 'agent.broker', problem);
    out.brokerUrl = broker;
  }
  if (agent.has('password_file')) {
    const path = r.string(agent.get('password_file'), 'agent.password_file');
    try {
      out.password = readFileSync(path, 'utf8').trim();
    } catch (err) {
      throw r.error(agent.get('password_file'), 'agent.password_file', `cannot read ${path}: ${(err as Error).message}`);
    }
  }
  if (agent.has('tls')) out.tls = readBrokerTls(r, agent.get('tls'));
  if (agent.has('data_dir')) out.dataDir = r.string(agent.get('data_dir'), 'agent.data_dir');
  if (agent.has('max_queue_bytes')) {
    const node = agent.get('max_queue_bytes');
    const bytes = parseByteSize(r.string(node, 'agent.max_queue_bytes'));
    if (bytes === undefined || bytes <= 0) throw r.error(node, 'agent.max_queue_bytes', `expected ${BYTE_SIZE_RULE}`);
    out.maxQueueBytes = bytes;
  }
  if (agent.has('max_queue_age')) out.maxQueueAgeMs = positive(r, agent.get('max_queue_age'), 'agent.max_queue_age');
  if (agent.has('window')) out.windowSize = r.count(agent.get('window'), 'agent.window', 1);
  if (agent.has('backlog_rate')) {
    const node = agent.get('backlog_rate');
    const rate = parseByteRate(r.string(node, 'agent.backlog_rate'));
    if (rate === undefined) throw r.error(node, 'agent.backlog_rate', `expected ${BYTE_RATE_RULE}`);
    out.backlogBytesPerSec = rate;
  }
  if (agent.has('ack_timeout')) out.ackTimeoutMs = r.duration(agent.get('ack_timeout'), 'agent.ack_timeout');
  if (agent.has('batch_delay')) out.batchDelayMs = r.duration(agent.get('batch_delay'), 'agent.batch_delay');

  const host = r.map(top.get('host'), 'host', ['enabled', 'interval', 'proc_path', 'sys_path', 'cron']);
  if (host.has('enabled')) out.hostEnabled = r.boolean(host.get('enabled'), 'host.enabled');
  if (host.has('interval')) out.intervalMs = positive(r, host.get('interval'), 'host.interval');
  if (host.has('proc_path')) out.procPath = r.string(host.get('proc_path'), 'host.proc_path');
  if (host.has('sys_path')) out.sysPath = r.string(host.get('sys_path'), 'host.sys_path');
  const cron = r.map(host.get('cron'), 'host.cron', COLLECTORS);
  const collectorCron: Record<string, string> = {};
  for (const [name, node] of cron) {
    const expression = r.string(node, `host.cron.${name}`);
    if (!isValidCron(expression)) throw r.error(node, `host.cron.${name}`, `invalid cron expression ${JSON.stringify(expression)}`);
    collectorCron[name] = expression;
  }
  out.collectorCron = collectorCron;

  const global = r.map(top.get('global'), 'global', ['scrape_interval', 'scrape_timeout', 'evaluation_interval', 'external_labels']);
  const intervalMs = global.has('scrape_interval') ? positive(r, global.get('scrape_interval'), 'global.scrape_interval') : DEFAULT_SCRAPE.intervalMs;
  const timeoutMs = global.has('scrape_timeout') ? positive(r, global.get('scrape_timeout'), 'global.scrape_timeout') : Math.min(DEFAULT_SCRAPE.timeoutMs, intervalMs);
  if (timeoutMs > intervalMs) throw r.error(global.get('scrape_timeout'), 'global.scrape_timeout', 'global scrape timeout greater than scrape interval');
  out.scrapeConfigs = readScrapeConfigs(r, top.get('scrape_configs'), { intervalMs, timeoutMs }, isValidCron);
  out.rules = readEdgeRulesConfig(r, top, global, dirname(file));
  return out;
}

const TLS_KEYS = [
  ['ca_file', 'caFile'],
  ['cert_file', 'certFile'],
  ['key_file', 'keyFile'],
  ['server_name', 'serverName'],
] as const;

/** `agent.tls`, named as Prometheus' tls_config so one habit serves scrapes and the broker. */
function readBrokerTls(r: YamlReader, node: Node | null | undefined): BrokerClientTls {
  const f = r.map(node, 'agent.tls', TLS_KEYS.map(([yamlKey]) => yamlKey));
  const tls: { -readonly [K in keyof BrokerClientTls]: BrokerClientTls[K] } = {};
  for (const [yamlKey, key] of TLS_KEYS) if (f.has(yamlKey)) tls[key] = r.string(f.get(yamlKey), `agent.tls.${yamlKey}`);
  const bad = brokerTlsProblem(tls);
  if (bad) {
    const yamlKey = TLS_KEYS.find(([, key]) => key === bad.key)?.[0] ?? '';
    throw r.error(f.get(yamlKey) ?? node, `agent.tls.${yamlKey}`, bad.problem);
  }
  return tls;
}

function positive(r: YamlReader, node: Parameters<YamlReader['duration']>[0], path: string): number {
  const ms = r.duration(node, path);
  if (ms <= 0) throw r.error(node, path, 'must be greater than 0');
  return ms;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, undefined, '', `cannot read the config file: ${(err as Error).message}`);
  }
}
