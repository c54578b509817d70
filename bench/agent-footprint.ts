import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/helpers/ports.ts';
import { usage, type Usage } from './proc-usage.ts';

/**
 * Outpost's agent (host metrics + scraping a local node_exporter, 5 s) side by side with the pair it replaces:
 * prometheus-node-exporter + `prometheus --enable-feature=agent` scraping it every 5 s and remote-writing.
 * Receivers (an Outpost aggregator, a Prometheus with the remote-write receiver) run too but are not measured.
 */
export interface FootprintResult {
  readonly seconds: number;
  readonly outpost: Summary;
  readonly pair: Summary;
  readonly pairParts: { readonly nodeExporter: Summary; readonly prometheusAgent: Summary };
  /** An idle Node.js process that has only loaded lmdb and mqtt: the floor under any Node agent. */
  readonly nodeFloor: Summary;
}

export interface Summary {
  readonly cpuSecondsPerMinute: number;
  readonly rssMeanMB: number;
  readonly rssMaxMB: number;
}

const CLI = fileURLToPath(new URL('../cli/outpost.mjs', import.meta.url));

export async function measureAgentFootprint(seconds: number, warmupSeconds: number, progress: (line: string) => void): Promise<FootprintResult> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-'));
  const procs: ChildProcess[] = [];
  const start = (cmd: string, args: string[]) => {
    const p = spawn(cmd, args, { stdio: 'ignore' });
    procs.push(p);
    return p;
  };
  try {
    const [nePair, neOutpost, httpPort, mqttPort, receiverPort, agentPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
    const nodeExporter = start('/usr/bin/prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${nePair}`]);
    start('/usr/bin/prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${neOutpost}`]);
    start(process.execPath, [CLI, 'aggregator', '--data-dir', join(dir, 'aggregator'), '--http-listen', `127.0.0.1:${httpPort}`, '--mqtt-listen', `127.0.0.1:${mqttPort}`]);
    start('/usr/bin/prometheus', [`--config.file=${writeConfig(dir, 'receiver.yml', 'global: {}\n')}`, `--storage.tsdb.path=${join(dir, 'receiver')}`, `--web.listen-address=127.0.0.1:${receiverPort}`, '--web.enable-remote-write-receiver']);
    await new Promise((r) => setTimeout(r, 3_000));

    const agentConfig = writeConfig(dir, 'agent.yaml', [
      'agent:', '  id: bench', `  data_dir: ${join(dir, 'agent')}`, `  broker: mqtt://127.0.0.1:${mqttPort}`,
      'host:', '  interval: 5s',
      'scrape_configs:', '  - job_name: node_exporter', '    scrape_interval: 5s', `    static_configs: [{targets: ["127.0.0.1:${neOutpost}"]}]`, '',
    ].join('\n'));
    const outpost = start(process.execPath, [CLI, 'agent', '--config', agentConfig]);
    const floor = start(process.execPath, ['--input-type=module', '-e', "await import('lmdb'); await import('mqtt'); setInterval(() => {}, 1000);"]);
    const promConfig = writeConfig(dir, 'prometheus-agent.yml', [
      'global: {scrape_interval: 5s}',
      'scrape_configs:', '  - job_name: node', `    static_configs: [{targets: ["127.0.0.1:${nePair}"]}]`,
      'remote_write:', `  - url: http://127.0.0.1:${receiverPort}/api/v1/write`, '',
    ].join('\n'));
    const promAgent = start('/usr/bin/prometheus', ['--enable-feature=agent', `--config.file=${promConfig}`, `--storage.agent.path=${join(dir, 'prom-agent')}`, `--web.listen-address=127.0.0.1:${agentPort}`]);

    progress(`warming up for ${warmupSeconds} s`);
    await new Promise((r) => setTimeout(r, warmupSeconds * 1000));
    const measured = { outpost, nodeExporter, promAgent, floor };
    const first = Object.fromEntries(Object.entries(measured).map(([k, p]) => [k, usage(p.pid as number)])) as Record<keyof typeof measured, Usage>;
    const rss: Record<keyof typeof measured, number[]> = { outpost: [], nodeExporter: [], promAgent: [], floor: [] };
    for (let s = 0; s < seconds; s++) {
      await new Promise((r) => setTimeout(r, 1000));
      for (const [k, p] of Object.entries(measured)) rss[k as keyof typeof measured].push(usage(p.pid as number).rssBytes);
      if ((s + 1) % 30 === 0) progress(`measured ${s + 1} of ${seconds} s`);
    }
    const last = Object.fromEntries(Object.entries(measured).map(([k, p]) => [k, usage(p.pid as number)])) as Record<keyof typeof measured, Usage>;
    for (const [k, p] of Object.entries(measured)) if (p.exitCode !== null) throw new Error(`${k} exited during the benchmark (code ${p.exitCode})`);

    const summary = (k: keyof typeof measured): Summary => ({
      cpuSecondsPerMinute: ((last[k].cpuSeconds - first[k].cpuSeconds) / seconds) * 60,
      rssMeanMB: rss[k].reduce((a, b) => a + b, 0) / rss[k].length / 1e6,
      rssMaxMB: Math.max(...rss[k]) / 1e6,
    });
    const ne = summary('nodeExporter');
    const pa = summary('promAgent');
    return {
      seconds,
      outpost: summary('outpost'),
      pair: { cpuSecondsPerMinute: ne.cpuSecondsPerMinute + pa.cpuSecondsPerMinute, rssMeanMB: ne.rssMeanMB + pa.rssMeanMB, rssMaxMB: ne.rssMaxMB + pa.rssMaxMB },
      pairParts: { nodeExporter: ne, prometheusAgent: pa },
      nodeFloor: summary('floor'),
    };
  } finally {
    for (const p of procs) p.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 1_500));
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

function writeConfig(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
