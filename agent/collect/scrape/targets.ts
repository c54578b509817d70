import { parseDurationMs } from '../../../promql/duration.ts';
import { isValidLabelName, labelsKey, type Labels } from '../../../protocol/labels.ts';
import { relabel } from './relabel.ts';
import type { ScrapeConfig, TargetGroup } from './scrape-config.ts';

/** A target after relabeling: what to fetch and which labels its samples get. */
export interface Target {
  readonly job: string;
  /** Labels attached to every sample: job, instance and the group's and relabeling's labels, no `__` ones. */
  readonly labels: Labels;
  readonly url: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Stable identity: the same target across config reloads keeps its loop and staleness state. */
  readonly key: string;
}

export interface DroppedTarget {
  readonly address: string;
  readonly reason: string;
}

/**
 * Prometheus' populateLabels: config labels where the group did not set them, `__param_*` from params,
 * relabel_configs, then `__`-prefixed labels removed and `instance` defaulted to the address.
 */
export function buildTargets(cfg: ScrapeConfig, groups: readonly TargetGroup[]): { targets: Target[]; dropped: DroppedTarget[] } {
  const targets: Target[] = [];
  const dropped: DroppedTarget[] = [];
  for (const group of groups) {
    for (const address of group.targets) {
      const base: Record<string, string> = { ...group.labels, __address__: address };
      const defaults: Record<string, string> = {
        job: cfg.jobName,
        __scrape_interval__: formatDuration(cfg.intervalMs),
        __scrape_timeout__: formatDuration(cfg.timeoutMs),
        __metrics_path__: cfg.metricsPath,
        __scheme__: cfg.scheme,
      };
      for (const [name, value] of Object.entries(defaults)) if (!base[name]) base[name] = value;
      for (const [name, values] of Object.entries(cfg.params)) if (values[0] !== undefined) base[`__param_${name}`] = values[0];

      const after = relabel(base, cfg.relabelConfigs);
      if (!after) {
        dropped.push({ address, reason: 'dropped by relabel_configs' });
        continue;
      }
      const addr = after.__address__;
      if (!addr) {
        dropped.push({ address, reason: 'no __address__ label after relabeling' });
        continue;
      }
      if (/[/?#]/.test(addr)) {
        dropped.push({ address, reason: `${JSON.stringify(addr)} is not a valid host:port address` });
        continue;
      }
      const intervalMs = parseDurationLabel(after.__scrape_interval__) ?? cfg.intervalMs;
      const timeoutMs = parseDurationLabel(after.__scrape_timeout__) ?? cfg.timeoutMs;
      if (timeoutMs > intervalMs) {
        dropped.push({ address, reason: `scrape timeout ${after.__scrape_timeout__} is greater than scrape interval ${after.__scrape_interval__}` });
        continue;
      }
      const url = targetUrl(after, cfg.params);
      const labels: Record<string, string> = {};
      for (const [name, value] of Object.entries(after)) {
        if (!name.startsWith('__') && value !== '') labels[name] = value;
      }
      labels.instance ||= addr;
      const bad = Object.keys(labels).find((n) => !isValidLabelName(n));
      if (bad) {
        dropped.push({ address, reason: `invalid label name ${JSON.stringify(bad)}` });
        continue;
      }
      targets.push({ job: cfg.jobName, labels, url, intervalMs, timeoutMs, key: `${cfg.jobName}|${url}|${labelsKey(labels)}` });
    }
  }
  return { targets, dropped };
}

/** The scrape URL: `__param_*` labels override the configured params of the same name. */
function targetUrl(labels: Labels, params: ScrapeConfig['params']): string {
  const scheme = labels.__scheme__ || 'http';
  const path = labels.__metrics_path__ || '/metrics';
  const query = new URLSearchParams();
  for (const [name, values] of Object.entries(params)) for (const v of values) query.append(name, v);
  for (const [name, value] of Object.entries(labels)) {
    if (name.startsWith('__param_')) query.set(name.slice('__param_'.length), value);
  }
  const qs = query.toString();
  return `${scheme}://${labels.__address__}${path.startsWith('/') ? '' : '/'}${path}${qs ? `?${qs}` : ''}`;
}

const UNITS: [string, number][] = [['h', 3_600_000], ['m', 60_000], ['s', 1_000]];

/** Prometheus' duration text (`1m30s`, `500ms`), as __scrape_interval__ carries it. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of UNITS) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return rest > 0 ? `${out}${rest}ms` : out;
}

function parseDurationLabel(text: string | undefined): number | undefined {
  return text ? parseDurationMs(text) : undefined;
}
