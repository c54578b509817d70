import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import { eventually } from './process.ts';

export interface RunningPrometheus {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly pid: number;
  output(): string;
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  /** Path of the prometheus binary (from peer()). */
  readonly binary: string;
  /** Holds the TSDB (may already hold blocks) and the config file. */
  readonly dir: string;
  /** prometheus.yml text; the default scrapes nothing. */
  readonly config?: string;
  readonly args?: readonly string[];
}

/** Debian's Prometheus on a free loopback port, with its own data dir; resolves once /-/ready answers. */
export async function startPrometheus(o: PrometheusOptions): Promise<RunningPrometheus> {
  const port = await freePort();
  const configFile = join(o.dir, 'prometheus.yml');
  writeFileSync(configFile, o.config ?? 'global:\n  scrape_interval: 15s\n');
  const child = spawn(
    o.binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(o.dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Backfilled blocks may be days old; the default 15 d retention would delete a long benchmark's data.
      '--storage.tsdb.retention.time=100y',
      ...(o.args ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}):\n${out}`);
      return (await fetch(`${url}/-/ready`)).ok ? true : undefined;
    }, 60_000, 'prometheus to be ready');
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, pid: child.pid as number, output: () => out, stop };
}

/** `promtool tsdb create-blocks-from openmetrics FILE DIR`: Prometheus' own way to load the same samples. */
export function createBlocks(promtool: string, openMetricsFile: string, dataDir: string): void {
  const res = spawnSync(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', openMetricsFile, dataDir], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`promtool create-blocks-from failed (${res.status}):\n${res.stdout}\n${res.stderr}`);
}
