import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { enrolAgent } from '../aggregator/ingest/enrolment.ts';
import { buildAgentDist } from '../scripts/dist/build.ts';
import { hostPlatform } from '../scripts/dist/platforms.ts';
import type { Tarball } from '../scripts/dist/tarball.ts';
import { freePort } from '../test/helpers/ports.ts';
import { tempDir } from '../test/helpers/tmp.ts';
import { usage } from './proc-usage.ts';

/** The two ways to run the agent: the tarball's precompiled bundle, and the repository's sources through tsx. */
export type AgentBuild = 'tarball' | 'tsx';

export interface ColdStart {
  /** Process start to the agent's "connected" log line, ms. */
  readonly connectedMs: number;
  /** Process start to the aggregator's registry counting the agent's first stored batch, ms. */
  readonly firstBatchMs: number;
}

export interface Steady {
  readonly rssMeanMB: number;
  readonly rssMaxMB: number;
  readonly cpuSecondsPerMinute: number;
}

export interface InstallFootprint {
  readonly tarball: Tarball;
  readonly runs: number;
  readonly seconds: number;
  readonly cold: Record<AgentBuild, ColdStart[]>;
  readonly steady: Record<AgentBuild, Steady>;
}

const REPO = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(REPO, 'cli', 'outpost.mjs');

/**
 * Builds this machine's tarball and measures it as a device would run it, against a real aggregator (the
 * repository's, with an embedded broker and enrolled credentials): its size, `runs` cold starts to the first batch
 * the aggregator stored, then `seconds` of steady RSS and CPU after a warm-up, each beside the tsx-run agent.
 */
export async function measureInstallFootprint(runs: number, seconds: number, progress: (line: string) => void): Promise<InstallFootprint> {
  const platform = hostPlatform();
  if (!platform) throw new Error(`no agent tarball for ${process.platform}-${process.arch}`);
  const dir = tempDir('bench-install');
  const procs: ChildProcess[] = [];
  try {
    const [tarball] = (await buildAgentDist({ repo: REPO, platforms: [platform], outDir: join(dir.path, 'out') })) as [Tarball];
    const device = join(dir.path, 'device');
    mkdirSync(device);
    if (spawnSync('tar', ['-xzf', tarball.file, '-C', device]).status !== 0) throw new Error('cannot unpack the tarball');
    const command: Record<AgentBuild, string[]> = { tarball: [join(device, 'outpost-agent', 'bin', 'outpost')], tsx: [process.execPath, CLI] };

    const credentials = join(dir.path, 'agents.passwd');
    const enrol = async (id: string) => {
      const { password } = await enrolAgent(credentials, id);
      const file = join(dir.path, `${id}.password`);
      writeFileSync(file, password, { mode: 0o600 });
      return file;
    };
    // All enrolled before the aggregator starts: one enrolled later could dial in before the broker re-read the file.
    const builds = ['tarball', 'tsx'] as const;
    const ids = [...builds.flatMap((b) => Array.from({ length: runs }, (_, i) => `cold-${b}-${i}`)), ...builds.map((b) => `steady-${b}`)];
    const passwordFiles = new Map<string, string>();
    for (const id of ids) passwordFiles.set(id, await enrol(id));
    const [http, mqtt] = [await freePort(), await freePort()];
    const api = `http://127.0.0.1:${http}`;
    procs.push(spawn(process.execPath, [CLI, 'aggregator', '--data-dir', join(dir.path, 'aggregator'), '--http-listen', `127.0.0.1:${http}`, '--mqtt-listen', `127.0.0.1:${mqtt}`, '--mqtt-credentials', credentials], { stdio: 'ignore' }));
    await until(async () => (await fetch(`${api}/-/ready`).catch(() => undefined))?.ok === true, 60_000, 'the aggregator to be ready');

    const startAgent = async (build: AgentBuild, id: string, interval: string) => {
      const args = ['agent', '--id', id, '--broker', `mqtt://127.0.0.1:${mqtt}`, '--password-file', passwordFiles.get(id) as string, '--data-dir', join(dir.path, id), '--interval', interval];
      const [cmd, ...pre] = command[build] as [string, ...string[]];
      const child = spawn(cmd, [...pre, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
      procs.push(child);
      return child;
    };
    const batches = async (id: string) => {
      const body = (await (await fetch(`${api}/api/agents`)).json()) as { data: { agent: string; batches: number }[] };
      return body.data.find((a) => a.agent === id)?.batches ?? 0;
    };

    const cold: Record<AgentBuild, ColdStart[]> = { tarball: [], tsx: [] };
    for (let i = 0; i < runs; i++) {
      for (const build of builds) {
        const id = `cold-${build}-${i}`;
        const t0 = performance.now();
        const child = await startAgent(build, id, '15s');
        let connectedMs = Number.NaN;
        child.stderr?.on('data', (d: Buffer) => {
          if (Number.isNaN(connectedMs) && d.toString().includes('info agent: connected to')) connectedMs = performance.now() - t0;
        });
        await until(async () => (await batches(id)) > 0, 60_000, `the first batch of ${id}`);
        cold[build].push({ connectedMs, firstBatchMs: performance.now() - t0 });
        await stop(child);
      }
      progress(`cold start ${i + 1} of ${runs}`);
    }

    const steadyProcs = { tarball: await startAgent('tarball', 'steady-tarball', '5s'), tsx: await startAgent('tsx', 'steady-tsx', '5s') };
    progress(`steady state: 30 s warm-up, then ${seconds} s`);
    await sleep(30_000);
    const first = { tarball: usage(steadyProcs.tarball.pid as number), tsx: usage(steadyProcs.tsx.pid as number) };
    const rss: Record<AgentBuild, number[]> = { tarball: [], tsx: [] };
    for (let s = 0; s < seconds; s++) {
      await sleep(1_000);
      for (const build of builds) rss[build].push(usage(steadyProcs[build].pid as number).rssBytes);
    }
    const steady = Object.fromEntries(
      builds.map((build) => {
        const last = usage(steadyProcs[build].pid as number);
        if (steadyProcs[build].exitCode !== null) throw new Error(`the ${build} agent exited during the benchmark`);
        const samples = rss[build];
        return [build, { rssMeanMB: samples.reduce((a, b) => a + b, 0) / samples.length / 1e6, rssMaxMB: Math.max(...samples) / 1e6, cpuSecondsPerMinute: ((last.cpuSeconds - first[build].cpuSeconds) / seconds) * 60 }];
      }),
    ) as Record<AgentBuild, Steady>;
    return { tarball, runs, seconds, cold, steady };
  } finally {
    await Promise.all(procs.map(stop));
    dir.remove();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** SIGINT (a clean stop), then SIGKILL if it lingers. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
