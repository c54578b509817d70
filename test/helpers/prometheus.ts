import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import { startPeerServer, type RunningPeer } from './peer-server.ts';

export type RunningPrometheus = RunningPeer;

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
  const args = [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${join(o.dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    // Backfilled blocks may be days old; the default 15 d retention would delete a long benchmark's data.
    '--storage.tsdb.retention.time=100y',
    ...(o.args ?? []),
  ];
  return startPeerServer('prometheus', o.binary, args, port);
}

/** `promtool tsdb create-blocks-from openmetrics FILE DIR`: Prometheus' own way to load the same samples. */
export function createBlocks(promtool: string, openMetricsFile: string, dataDir: string): void {
  const res = spawnSync(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', openMetricsFile, dataDir], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`promtool create-blocks-from failed (${res.status}):\n${res.stdout}\n${res.stderr}`);
}
