import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startAlertmanager, type RunningAlertmanager } from '../helpers/alertmanager.ts';
import { peer } from '../helpers/peers.ts';
import { freePort } from '../helpers/ports.ts';
import { eventually, startOutpost, stopAll } from '../helpers/process.ts';
import { tempDir } from '../helpers/tmp.ts';

const binary = peer('prometheus-alertmanager', 'prometheus-alertmanager');

/** An edge rule that is true at once, with a templated annotation, evaluated every second. */
const RULES = `groups:
  - name: edge
    interval: 1s
    rules:
      - alert: FreezerDoorOpen
        expr: vector(1) * 12.5
        labels:
          severity: critical
        annotations:
          summary: "door open on {{ $externalLabels.agent }} at {{ $externalLabels.site }}, {{ $value | humanize }} s"
`;

describe.skipIf(!binary)("edge alerts reach Debian's prometheus-alertmanager", () => {
  const dir = tempDir('alertmanager');
  let am: RunningAlertmanager | undefined;
  afterAll(async () => {
    await stopAll();
    await am?.stop();
    dir.remove();
  });

  it('straight from the agent (with the local hook run too) and forwarded by the aggregator', async () => {
    am = await startAlertmanager(binary as string, dir.path);
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    writeFileSync(join(dir.path, 'edge.rules.yml'), RULES);
    const hookOut = join(dir.path, 'hook.jsonl');
    writeFileSync(join(dir.path, 'hook.mjs'), `import { appendFileSync } from 'node:fs';\nlet s = '';\nprocess.stdin.on('data', (d) => (s += d)).on('end', () => appendFileSync(${JSON.stringify(hookOut)}, s));\n`);
    const agentConfig = (id: string, direct: boolean) => {
      const file = join(dir.path, `${id}.yaml`);
      writeFileSync(
        file,
        [
          'agent:',
          `  id: ${id}`,
          `  broker: mqtt://127.0.0.1:${mqttPort}`,
          `  data_dir: ${join(dir.path, id)}`,
          'host:',
          '  interval: 1s',
          'global:',
          '  external_labels: {site: shop-17}',
          'rule_files: [edge.rules.yml]',
          ...(direct
            ? ['alerting:', '  resend_delay: 2s', `  alertmanagers: [${am?.url}]`, '  hook:', `    command: [${process.execPath}, ${join(dir.path, 'hook.mjs')}]`, '    timeout: 5s']
            : []),
        ].join('\n'),
      );
      return file;
    };
    startOutpost([
      'aggregator',
      '--data-dir', join(dir.path, 'aggregator'),
      '--http-listen', `127.0.0.1:${httpPort}`,
      '--mqtt-listen', `127.0.0.1:${mqttPort}`,
      '--alertmanager.url', am.url,
    ]);
    startOutpost(['agent', '--config', agentConfig('edge-direct', true)]);
    startOutpost(['agent', '--config', agentConfig('edge-via', false)]);

    const received = await eventually(async () => {
      const alerts = (await am?.alerts()) ?? [];
      const byAgent = new Map(alerts.filter((a) => a.labels.alertname === 'FreezerDoorOpen').map((a) => [a.labels.agent, a]));
      return byAgent.has('edge-direct') && byAgent.has('edge-via') ? byAgent : undefined;
    }, 90_000, 'both agents’ alerts in Alertmanager');

    const direct = received.get('edge-direct');
    expect(direct?.labels).toEqual({ alertname: 'FreezerDoorOpen', severity: 'critical', agent: 'edge-direct', site: 'shop-17' });
    expect(direct?.annotations).toEqual({ summary: 'door open on edge-direct at shop-17, 12.5 s' });
    expect(direct?.status.state).toBe('active');
    // Forwarded by the aggregator: the agent's label set, as the agent itself would have sent it.
    expect(received.get('edge-via')?.labels).toEqual({ alertname: 'FreezerDoorOpen', severity: 'critical', agent: 'edge-via', site: 'shop-17' });
    expect(Date.parse(direct?.endsAt ?? '')).toBeGreaterThan(Date.now());

    // The hook ran once for the alert that started firing, with the alert as JSON on stdin.
    const runs = await eventually(async () => (existsSync(hookOut) ? readFileSync(hookOut, 'utf8').trim().split('\n') : undefined), 30_000, 'the hook to run');
    const run = JSON.parse(runs[0] as string) as Record<string, unknown>;
    expect(run).toMatchObject({ status: 'firing', labels: direct?.labels, annotations: direct?.annotations, value: 12.5 });
    await new Promise((r) => setTimeout(r, 3_000)); // resends go to Alertmanager, not to the hook
    expect(readFileSync(hookOut, 'utf8').trim().split('\n')).toHaveLength(1);
  }, 180_000);
});
