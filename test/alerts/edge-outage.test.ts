import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.ts';
import { eventually, startOutpost, stopAll } from '../helpers/process.ts';
import { tempDir } from '../helpers/tmp.ts';

/** Evaluated every second on the agent: one alert that stays firing, one about the agent's own link. */
const RULES = `groups:
  - name: edge
    interval: 1s
    rules:
      - alert: FreezerWarm
        expr: vector(-9)
        for: 2s
        annotations:
          summary: "freezer at {{ $value }} °C"
      - alert: EdgeLinkDown
        expr: outpost_agent_connected == 0
        for: 2s
`;

interface ApiAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  activeAt: string;
}

describe('an alert raised while the aggregator is down', () => {
  const dir = tempDir('edge-outage');
  afterAll(async () => {
    await stopAll();
    dir.remove();
  });

  it('arrives after the reconnect with its original activeAt, and the agent going offline raises the central alert', async () => {
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    const api = `http://127.0.0.1:${httpPort}`;
    writeFileSync(join(dir.path, 'edge.rules.yml'), RULES);
    const config = join(dir.path, 'agent.yaml');
    writeFileSync(
      config,
      `agent:\n  id: freezer-box\n  broker: mqtt://127.0.0.1:${mqttPort}\n  data_dir: ${join(dir.path, 'agent')}\nhost:\n  interval: 1s\nrule_files: [edge.rules.yml]\n`,
    );

    // 1. No aggregator: the agent evaluates its rules offline; both alerts fire.
    const agent = startOutpost(['agent', '--config', config]);
    await agent.waitFor('reconnecting in');
    await new Promise((r) => setTimeout(r, 5_000));
    const aggregatorStart = Date.now();

    // 2. The aggregator comes up; the queued rule state arrives.
    const aggregator = startOutpost(['aggregator', '--data-dir', join(dir.path, 'aggregator'), '--http-listen', `127.0.0.1:${httpPort}`, '--mqtt-listen', `127.0.0.1:${mqttPort}`]);
    await aggregator.waitFor('agent freezer-box is online');
    const alert = await eventually(async () => {
      const body = (await (await fetch(`${api}/api/v1/alerts`)).json()) as { data: { alerts: ApiAlert[] } };
      return body.data.alerts.find((a) => a.labels.alertname === 'FreezerWarm' && a.state === 'firing');
    }, 60_000, 'the edge alert at the aggregator');
    expect(alert.labels).toEqual({ agent: 'freezer-box', alertname: 'FreezerWarm' });
    expect(alert.annotations).toEqual({ summary: 'freezer at -9 °C' });
    // Its activeAt is the agent's, from before the aggregator even existed.
    expect(Date.parse(alert.activeAt)).toBeLessThan(aggregatorStart - 2_000);

    // The link alert fired offline and resolved on reconnect: its ALERTS samples, written offline, arrived late.
    const linkDown = await eventually(async () => {
      const q = encodeURIComponent('max_over_time(ALERTS{alertname="EdgeLinkDown", alertstate="firing"}[5m])');
      const body = (await (await fetch(`${api}/api/v1/query?query=${q}`)).json()) as { data: { result: { metric: Record<string, string> }[] } };
      return body.data.result[0];
    }, 60_000, 'ALERTS of the offline alert');
    expect(linkDown.metric).toMatchObject({ alertname: 'EdgeLinkDown', agent: 'freezer-box', instance: 'freezer-box', job: 'outpost' });
    // Connected again, the agent resolves it, and the aggregator hears of the resolution.
    await eventually(async () => {
      const body = (await (await fetch(`${api}/api/v1/rules?rule_name[]=EdgeLinkDown`)).json()) as { data: { groups: { rules: { state: string; alerts: unknown[] }[] }[] } };
      const rule = body.data.groups[0]?.rules[0];
      return rule?.state === 'inactive' && rule.alerts.length === 0 ? true : undefined;
    }, 30_000, 'the link alert to resolve');

    // 3. The agent dies: the broker's Last Will makes it offline, and the aggregator's own rule notices.
    expect(await agent.stop('SIGKILL')).toBe(null);
    const offline = await eventually(async () => {
      const body = (await (await fetch(`${api}/api/v1/alerts`)).json()) as { data: { alerts: ApiAlert[] } };
      return body.data.alerts.find((a) => a.labels.alertname === 'OutpostAgentOffline');
    }, 60_000, 'the central agent-offline alert');
    expect(offline).toMatchObject({ state: 'pending', labels: { agent: 'freezer-box', alertname: 'OutpostAgentOffline', severity: 'warning' } });
    expect(await aggregator.stop('SIGINT')).toBe(0);
  }, 240_000);
});
