import { describe, expect, it } from 'vitest';
import { readAgentFile } from '../../../agent/config/file.ts';
import { formatDuration, buildTargets } from '../../../agent/collect/scrape/targets.ts';
import type { ScrapeConfig } from '../../../agent/collect/scrape/scrape-config.ts';

const job = (yaml: string): ScrapeConfig => {
  const cfg = readAgentFile('t.yaml', `scrape_configs:\n  - job_name: app\n${yaml}`).scrapeConfigs?.[0];
  if (!cfg) throw new Error('no scrape config');
  return cfg;
};

describe('target labels', () => {
  it('sets job and instance, keeps group labels and drops __ labels', () => {
    const cfg = job('    static_configs:\n      - targets: ["a:9100", "b:9100"]\n        labels: {site: s1}\n');
    const { targets } = buildTargets(cfg, cfg.staticConfigs);
    expect(targets.map((t) => t.labels)).toEqual([
      { job: 'app', instance: 'a:9100', site: 's1' },
      { job: 'app', instance: 'b:9100', site: 's1' },
    ]);
    expect(targets[0]?.url).toBe('http://a:9100/metrics');
  });

  it('builds the URL from __scheme__, __metrics_path__ and __param_* after relabeling', () => {
    const cfg = job(
      [
        '    params: {module: [if_mib], target: [x]}',
        '    static_configs: [{targets: ["192.168.1.5"]}]',
        '    relabel_configs:',
        '      - {source_labels: [__address__], target_label: __param_target}',
        '      - {source_labels: [__param_target], target_label: instance}',
        '      - {target_label: __address__, replacement: "127.0.0.1:9116"}',
        '      - {target_label: __metrics_path__, replacement: /snmp}',
        '',
      ].join('\n'),
    );
    const [t] = buildTargets(cfg, cfg.staticConfigs).targets;
    expect(t?.url).toBe('http://127.0.0.1:9116/snmp?module=if_mib&target=192.168.1.5');
    expect(t?.labels).toEqual({ job: 'app', instance: '192.168.1.5' });
  });

  it('drops targets that relabel_configs drop, and lets __scrape_interval__ be relabeled', () => {
    const cfg = job(
      [
        '    scrape_interval: 30s',
        '    static_configs: [{targets: ["keep:1", "drop:1"]}]',
        '    relabel_configs:',
        '      - {source_labels: [__address__], regex: "drop:.*", action: drop}',
        '      - {target_label: __scrape_interval__, replacement: 1m}',
        '',
      ].join('\n'),
    );
    const { targets, dropped } = buildTargets(cfg, cfg.staticConfigs);
    expect(targets.map((t) => [t.labels.instance, t.intervalMs])).toEqual([['keep:1', 60_000]]);
    expect(dropped).toEqual([{ address: 'drop:1', reason: 'dropped by relabel_configs' }]);
  });

  it('formats durations as Prometheus does', () => {
    expect([15_000, 90_000, 3_600_000, 500, 61_500].map(formatDuration)).toEqual(['15s', '1m30s', '1h', '500ms', '1m1s500ms']);
  });
});
