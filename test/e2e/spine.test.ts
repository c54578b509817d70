import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.ts';
import { eventually, startOutpost, stopAll, type RunningProcess } from '../helpers/process.ts';

interface VectorResponse {
  status: string;
  data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

describe('agent and aggregator as real processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-e2e-'));
  let api: string;
  let aggregator: RunningProcess;
  let agent: RunningProcess;

  const query = async (q: string) => {
    const res = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(q)}`);
    return (await res.json()) as VectorResponse;
  };

  beforeAll(async () => {
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    api = `http://127.0.0.1:${httpPort}`;
    aggregator = startOutpost([
      'aggregator',
      '--data-dir', join(dir, 'aggregator'),
      '--http-listen', `127.0.0.1:${httpPort}`,
      '--mqtt-listen', `127.0.0.1:${mqttPort}`,
    ]);
    await aggregator.waitFor('HTTP API and dashboard on');
    agent = startOutpost([
      'agent',
      '--id', 'e2e-host',
      '--broker', `mqtt://127.0.0.1:${mqttPort}`,
      '--data-dir', join(dir, 'agent'),
      '--interval', '1s',
    ]);
  });

  afterAll(async () => {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers node_load1 with a plausible value', async () => {
    const result = await eventually(async () => {
      const body = await query('node_load1');
      return body.data.result.length > 0 ? body : undefined;
    }, 45_000, 'node_load1 to arrive');
    expect(result.status).toBe('success');
    expect(result.data.resultType).toBe('vector');
    const [sample] = result.data.result;
    expect(sample?.metric).toEqual({ __name__: 'node_load1', job: 'node', instance: 'e2e-host' });
    const load = Number(sample?.value[1]);
    expect(load).toBeGreaterThanOrEqual(0);
    expect(load).toBeLessThan(cpus().length * 100);
    expect(Math.abs((sample?.value[0] as number) * 1000 - Date.now())).toBeLessThan(60_000);
  });

  it('serves node_load1 metadata as Prometheus does after scraping node_exporter', async () => {
    const body = await eventually(async () => {
      const res = await fetch(`${api}/api/v1/metadata?metric=node_load1`);
      const json = (await res.json()) as { status: string; data: Record<string, unknown[]> };
      return json.data.node_load1 ? json : undefined;
    }, 10_000, 'node_load1 metadata');
    expect(body).toEqual({ status: 'success', data: { node_load1: [{ type: 'gauge', help: '1m load average.', unit: '' }] } });
  });

  it('delivers CPU seconds per CPU and mode, growing over time', async () => {
    const cpuSeconds = async () => {
      const body = await query('node_cpu_seconds_total{instance="e2e-host"}');
      return new Map(body.data.result.map((s) => [`${s.metric.cpu}/${s.metric.mode}`, Number(s.value[1])]));
    };
    const first = await eventually(async () => ((await cpuSeconds()).size > 0 ? cpuSeconds() : undefined), 20_000, 'cpu seconds');
    const idle = [...first].filter(([key]) => key.endsWith('/idle'));
    expect(idle).toHaveLength(cpus().length);
    for (const [, seconds] of idle) expect(seconds).toBeGreaterThan(0);
    // A second later the counters must have moved forward, never back. Some mode's time grows whatever the load
    // (a machine busy with other tests may have no idle time to add).
    const later = await eventually(async () => {
      const now = await cpuSeconds();
      return [...now].some(([key, v]) => v > (first.get(key) ?? Infinity)) ? now : undefined;
    }, 10_000, 'CPU seconds to grow');
    for (const [key, v] of later) expect(v).toBeGreaterThanOrEqual(first.get(key) as number);
  });

  it('lists the agent as online and serves the dashboard', async () => {
    const agents = await eventually(async () => {
      const body = (await (await fetch(`${api}/api/agents`)).json()) as { data: { agent: string; online: boolean }[] };
      return body.data.find((a) => a.agent === 'e2e-host' && a.online);
    }, 10_000, 'agent online');
    expect(agents.online).toBe(true);
    const page = await fetch(`${api}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Outpost</title>');
  });

  it('marks the agent offline when it stops, and both exit cleanly on SIGINT', async () => {
    expect(await agent.stop('SIGINT')).toBe(0);
    await eventually(async () => {
      const body = (await (await fetch(`${api}/api/agents`)).json()) as { data: { agent: string; online: boolean }[] };
      return body.data.find((a) => a.agent === 'e2e-host' && !a.online);
    }, 10_000, 'agent offline');
    expect(await aggregator.stop('SIGINT')).toBe(0);
  });
});
