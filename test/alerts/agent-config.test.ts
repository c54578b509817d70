import { describe, expect, it } from 'vitest';
import { readAgentFile } from '../../agent/config/file.ts';
import { DEFAULT_EDGE_RULES } from '../../agent/rules/config.ts';

describe('edge rule settings in the agent config file', () => {
  it('reads rule_files, the window, Alertmanagers, the hook and the global rule settings', () => {
    const settings = readAgentFile(
      '/etc/outpost/agent.yaml',
      `global:
  evaluation_interval: 30s
  external_labels: {site: shop-17}
rule_files: [rules/*.yml, /opt/more.yml]
rules:
  window: 2h
  max_series: 500
alerting:
  resend_delay: 2m
  alertmanagers: [http://am-1:9093, https://am-2/prefix]
  hook:
    command: [/usr/local/bin/buzzer, --on]
`,
    );
    expect(settings.rules).toEqual({
      ruleFiles: ['rules/*.yml', '/opt/more.yml'],
      baseDir: '/etc/outpost',
      evaluationIntervalMs: 30_000,
      externalLabels: { site: 'shop-17' },
      windowMs: 7_200_000,
      maxSeries: 500,
      resendDelayMs: 120_000,
      alertmanagers: ['http://am-1:9093', 'https://am-2/prefix'],
      hook: { command: ['/usr/local/bin/buzzer', '--on'], timeoutMs: 10_000 },
    });
  });

  it('defaults to no rules, a 1 h window and no notifications', () => {
    expect(readAgentFile('/a/agent.yaml', 'agent: {id: x}\n').rules).toEqual({ ...DEFAULT_EDGE_RULES, baseDir: '/a' });
  });

  it.each([
    ['alerting:\n  alertmanagers: [am:9093]\n', 'a.yaml:2: alerting.alertmanagers[0]: expected an http:// or https:// URL, got "am:9093"'],
    ['alerting:\n  hook:\n    timeout: 5s\n', 'a.yaml:3: alerting.hook.command: expected the program and its arguments, e.g. [/usr/local/bin/buzzer, --on]'],
    ['rules:\n  window: 0s\n', 'a.yaml:2: rules.window: must be greater than 0'],
    ['rules:\n  windows: 1h\n', 'a.yaml:2: rules.windows: unknown key (did you mean window?); allowed here: window, max_series'],
    ['global:\n  external_labels: {"bad-name": x}\n', 'a.yaml:2: global.external_labels.bad-name: invalid label name'],
  ])('refuses %j', (text, message) => {
    expect(() => readAgentFile('a.yaml', text)).toThrow(message);
  });
});
