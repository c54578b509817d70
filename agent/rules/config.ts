import type { Node } from 'yaml';
import { isValidLabelName, type Labels } from '../../protocol/labels.ts';
import type { YamlReader } from '../config/yaml-reader.ts';

/** Edge rules: which rule files the agent evaluates, over how much of its own data, and whom it tells. */
export interface EdgeRulesConfig {
  /** Globs (Prometheus' rule_files), relative to `baseDir`. */
  readonly ruleFiles: readonly string[];
  /** The config file's directory: relative rule_files are read from there, as Prometheus does. */
  readonly baseDir: string;
  /** For groups that name no interval (Prometheus' global.evaluation_interval). */
  readonly evaluationIntervalMs: number;
  /** Added to alerts sent anywhere and to rule results shipped; the agent id is added as `agent` unless set. */
  readonly externalLabels: Labels;
  /** How far back the local window keeps samples; the longest range a rule may read. */
  readonly windowMs: number;
  /** Series the local window holds at most; samples of further new series are not kept (counted). */
  readonly maxSeries: number;
  /** A firing alert is sent to Alertmanager again after this long (Prometheus' --rules.alert.resend-delay). */
  readonly resendDelayMs: number;
  /** Alertmanager base URLs the agent sends its alerts to directly. */
  readonly alertmanagers: readonly string[];
  /** A program run with each alert that starts firing or resolves, as JSON on stdin. */
  readonly hook?: HookConfig;
}

export interface HookConfig {
  /** The program and its arguments; run directly, never through a shell. */
  readonly command: readonly string[];
  readonly timeoutMs: number;
}

export const DEFAULT_EDGE_RULES: EdgeRulesConfig = {
  ruleFiles: [],
  baseDir: '.',
  evaluationIntervalMs: 60_000,
  externalLabels: {},
  // An hour covers the ranges rules usually read (rate over 5m, predict_linear over 1h) and, at ~1,500 host series
  // scraped every 15 s, stays near 20 MB; max_series caps what a scrape gone wild can add.
  windowMs: 3_600_000,
  maxSeries: 10_000,
  resendDelayMs: 60_000,
  alertmanagers: [],
};

export const DEFAULT_HOOK_TIMEOUT_MS = 10_000;

/**
 * Reads `rule_files`, `rules`, `alerting` and the rule settings of `global` from the agent's YAML file
 * (agent/agent.example.yaml documents them).
 */
export function readEdgeRulesConfig(r: YamlReader, top: Map<string, Node | null>, global: Map<string, Node | null>, baseDir: string): EdgeRulesConfig {
  const out: { -readonly [K in keyof EdgeRulesConfig]: EdgeRulesConfig[K] } = { ...DEFAULT_EDGE_RULES, baseDir };
  out.ruleFiles = r.list(top.get('rule_files'), 'rule_files').map((n, i) => r.string(n, `rule_files[${i}]`));
  if (global.has('evaluation_interval')) out.evaluationIntervalMs = positive(r, global.get('evaluation_interval'), 'global.evaluation_interval');
  if (global.has('external_labels')) {
    const labels = r.stringMap(global.get('external_labels'), 'global.external_labels');
    for (const name of Object.keys(labels)) {
      if (!isValidLabelName(name)) throw r.error(global.get('external_labels'), `global.external_labels.${name}`, 'invalid label name');
    }
    out.externalLabels = labels;
  }
  const rules = r.map(top.get('rules'), 'rules', ['window', 'max_series']);
  if (rules.has('window')) out.windowMs = positive(r, rules.get('window'), 'rules.window');
  if (rules.has('max_series')) out.maxSeries = r.count(rules.get('max_series'), 'rules.max_series', 1);
  const alerting = r.map(top.get('alerting'), 'alerting', ['alertmanagers', 'resend_delay', 'hook']);
  if (alerting.has('resend_delay')) out.resendDelayMs = positive(r, alerting.get('resend_delay'), 'alerting.resend_delay');
  out.alertmanagers = r.list(alerting.get('alertmanagers'), 'alerting.alertmanagers').map((n, i) => {
    const path = `alerting.alertmanagers[${i}]`;
    const url = r.string(n, path);
    if (!/^https?:\/\/[^/]/.test(url)) throw r.error(n, path, `expected an http:// or https:// URL, got ${JSON.stringify(url)}`);
    return url;
  });
  if (alerting.has('hook')) {
    const hook = r.map(alerting.get('hook'), 'alerting.hook', ['command', 'timeout']);
    const command = r.list(hook.get('command'), 'alerting.hook.command').map((n, i) => r.string(n, `alerting.hook.command[${i}]`));
    if (command.length === 0) throw r.error(alerting.get('hook'), 'alerting.hook.command', 'expected the program and its arguments, e.g. [/usr/local/bin/buzzer, --on]');
    out.hook = { command, timeoutMs: hook.has('timeout') ? positive(r, hook.get('timeout'), 'alerting.hook.timeout') : DEFAULT_HOOK_TIMEOUT_MS };
  }
  return out;
}

function positive(r: YamlReader, node: Node | null | undefined, path: string): number {
  const ms = r.duration(node, path);
  if (ms <= 0) throw r.error(node, path, 'must be greater than 0');
  return ms;
}
