import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readAgentFile } from '../../../agent/config/file.ts';
import { ConfigError } from '../../../agent/config/yaml-reader.ts';

const EXAMPLE = fileURLToPath(new URL('../../../agent/agent.example.yaml', import.meta.url));

/** The error a config text gives, as the user would read it. */
function problem(text: string): string {
  try {
    readAgentFile('agent.yaml', text);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('agent config file', () => {
  it('reads the shipped example completely', () => {
    const cfg = readAgentFile(EXAMPLE);
    expect(cfg).toMatchObject({ id: 'shop-17', brokerUrl: 'mqtt://aggregator:1883', intervalMs: 15_000, windowSize: 8 });
    expect(cfg.collectorCron).toEqual({ filesystem: '*/5 * * * *' });
    const [gateway, inventory] = cfg.scrapeConfigs ?? [];
    expect(gateway).toMatchObject({ jobName: 'modbus-gateway', intervalMs: 15_000, timeoutMs: 5_000, sampleLimit: 10_000, bodySizeLimitBytes: 10 * 1024 * 1024 });
    expect(gateway?.relabelConfigs).toHaveLength(1);
    expect(gateway?.metricRelabelConfigs[0]?.action).toBe('drop');
    expect(inventory).toMatchObject({ jobName: 'inventory', cron: '0 * * * *', intervalMs: 60_000, timeoutMs: 10_000 });
  });

  it('applies global scrape defaults and Prometheus defaults', () => {
    const cfg = readAgentFile('a.yaml', 'global: {scrape_interval: 5s}\nscrape_configs:\n  - job_name: x\n');
    expect(cfg.scrapeConfigs?.[0]).toMatchObject({ intervalMs: 5_000, timeoutMs: 5_000, metricsPath: '/metrics', scheme: 'http', honorLabels: false, honorTimestamps: true });
  });

  it('names file, line and key of an unknown key, with a hint', () => {
    const text = 'scrape_configs:\n  - job_name: x\n    scrape_intervall: 5s\n';
    expect(problem(text)).toMatch(/^agent\.yaml:3: scrape_configs\[0\]\.scrape_intervall: unknown key \(did you mean scrape_interval\?\)/);
  });

  it.each([
    ['agent:\n  window: 0\n', /agent\.yaml:2: agent\.window: expected a whole number of 1 or more/],
    ['host:\n  interval: soon\n', /agent\.yaml:2: host\.interval: expected a duration/],
    ['host:\n  cron:\n    cpu: "every day"\n', /agent\.yaml:3: host\.cron\.cpu: invalid cron expression/],
    ['host:\n  cron:\n    gpu: "* * * * *"\n', /host\.cron\.gpu: unknown key/],
    ['agent:\n  id: "a/b"\n', /agent\.yaml:2: agent\.id: must be/],
    ['scrape_configs:\n  - job_name: x\n    scrape_interval: 5s\n    scrape_timeout: 10s\n', /agent\.yaml:4: .*scrape timeout greater than scrape interval/],
    ['scrape_configs:\n  - job_name: x\n  - job_name: x\n', /agent\.yaml:3: scrape_configs\[1\]\.job_name: duplicate job name "x"/],
    ['scrape_configs:\n  - scrape_interval: 5s\n', /agent\.yaml:2: scrape_configs\[0\]: job_name is required/],
    ['scrape_configs:\n  - job_name: x\n    scheme: ftp\n', /scrape_configs\[0\]\.scheme: must be http or https/],
    ['scrape_configs:\n  - job_name: x\n    relabel_configs:\n      - action: replace\n        source_labels: [a]\n', /agent\.yaml:4: scrape_configs\[0\]\.relabel_configs: .*target_label/],
    ['scrape_configs:\n  - job_name: x\n    static_configs:\n      - targets: [a:1]\n        labels: {"bad-name": x}\n', /invalid label name "bad-name"/],
    ['scrape_configs:\n  - job_name: x\n    basic_auth: {username: u, password: p, password_file: f}\n', /at most one of password and password_file/],
    ['scrape_configs:\n  - job_name: x\n    body_size_limit: lots\n', /body_size_limit: expected a size/],
    ['agent: [\n', /agent\.yaml:\d+: invalid YAML/],
  ])('refuses %j', (text, message) => {
    expect(problem(text)).toMatch(message);
  });

  it('says which file could not be read', () => {
    expect(() => readAgentFile('/nonexistent/agent.yaml')).toThrow(/\/nonexistent\/agent\.yaml: cannot read the config file/);
  });
});
