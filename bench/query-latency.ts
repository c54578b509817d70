import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/helpers/ports.ts';
import { eventually } from '../test/helpers/process.ts';
import { startPrometheus } from '../test/helpers/prometheus.ts';
import { generateDataset, sampleCount, writeOpenMetrics, SERIES_PER_HOST } from './dataset.ts';

/** The range queries of issue 6, over 24 h at a 60 s step. */
export const BENCH_QUERIES = [
  'sum by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[5m]))',
  'avg_over_time(node_hwmon_temp_celsius[10m])',
  'topk(5, rate(node_network_receive_bytes_total[5m]))',
  'node_memory_MemAvailable_bytes',
  'histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
  'sum(rate(node_cpu_seconds_total[1h])) by (mode) / on() group_left count(node_load1)',
];

export interface QueryTiming {
  readonly query: string;
  readonly outpostMs: number;
  readonly prometheusMs: number;
}

export interface QueryBenchResult {
  readonly series: number;
  readonly samples: number;
  readonly timings: readonly QueryTiming[];
  readonly outpostPeakRssMB: number;
  readonly prometheusPeakRssMB: number;
  readonly storage: StorageFigures;
}

/** Loading the same samples into each: wall time, peak RSS of the loading process, bytes on disk. */
export interface StorageFigures {
  readonly outpost: {
    readonly ms: number;
    readonly peakRssMB: number;
    readonly diskBytes: number;
    /** LMDB pages in use (the file keeps freed WAL pages for reuse; it never shrinks) and the chunks' share. */
    usedBytes: number;
    chunkBytesPerSample: number;
  };
  readonly prometheus: { readonly ms: number; readonly peakRssMB: number; readonly diskBytes: number; readonly chunkBytes: number };
}

/** Bytes of every file under `dir`; with `only`, of files whose path contains it (Prometheus' chunks/ dirs). */
function du(dir: string, only?: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, entry);
    const st = statSync(path);
    if (st.isFile() && (only === undefined || entry.split('/').includes(only))) total += st.size;
  }
  return total;
}

/** Runs a command under GNU time: its wall time, peak RSS and stdout. */
function timed(cmd: string, args: string[]): { ms: number; peakRssMB: number; stdout: string } {
  const t0 = performance.now();
  const res = spawnSync('/usr/bin/time', ['-f', 'PEAK_RSS_KB %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = performance.now() - t0;
  if (res.status !== 0) throw new Error(`${cmd} failed (${res.status}):\n${res.stderr}`);
  const kb = Number(/PEAK_RSS_KB (\d+)/.exec(res.stderr)?.[1]);
  return { ms, peakRssMB: kb / 1024, stdout: res.stdout };
}

const CLI = fileURLToPath(new URL('../cli/outpost.mjs', import.meta.url));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
/** VmHWM: the most resident memory the process ever had. */
const peakRssMB = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

/**
 * The same node-like data (1,000+ series × 24 h × 15 s) loaded into Prometheus 2.42 with promtool's backfill and into
 * an Outpost aggregator's store; each query then runs `runs` times against each server, alternating, and the
 * median wall time of the HTTP request is kept.
 */
export async function measureQueries(dir: string, hosts: number, runs: number, progress: (line: string) => void): Promise<QueryBenchResult> {
  const stepMs = 15_000;
  const points = (24 * 3600_000) / stepMs;
  const start = Math.floor((Date.now() - 25 * 3600_000) / 3600_000) * 3600_000;
  const data = generateDataset({ hosts, start, stepMs, points });
  const samples = sampleCount(data);
  progress(`query data: ${data.series.length} series, ${samples.toLocaleString('en')} samples`);

  const file = join(dir, 'data.om');
  await writeOpenMetrics(data, file);
  progress('loading it into Prometheus with promtool tsdb create-blocks-from openmetrics');
  const promData = join(dir, 'prometheus', 'data');
  const prom = timed('/usr/bin/promtool', ['tsdb', 'create-blocks-from', 'openmetrics', file, promData]);
  const prometheusDisk = { diskBytes: du(promData), chunkBytes: du(promData, 'chunks') };
  const prometheus = await startPrometheus({ binary: '/usr/bin/prometheus', dir: join(dir, 'prometheus') });

  progress('loading it into Outpost (a child process appending agent-sized batches to the store)');
  const storeDir = join(dir, 'outpost', 'store');
  const loader = fileURLToPath(new URL('./load-outpost.ts', import.meta.url));
  const out = timed(process.execPath, ['--import', 'tsx', loader, storeDir, String(hosts), String(start), String(points)]);
  const outpostLoad = JSON.parse(out.stdout.trim()) as { samples: number; ms: number };
  const storage: StorageFigures = {
    outpost: { ms: outpostLoad.ms, peakRssMB: out.peakRssMB, diskBytes: du(storeDir), usedBytes: NaN, chunkBytesPerSample: NaN },
    prometheus: { ms: prom.ms, peakRssMB: prom.peakRssMB, ...prometheusDisk },
  };
  progress(`storage: Outpost ${Math.round(samples / (outpostLoad.ms / 1000))} samples/s, ${(storage.outpost.diskBytes / samples).toFixed(2)} B/sample`);
  const httpPort = await freePort();
  const aggregator = spawn(
    process.execPath,
    [CLI, 'aggregator', '--data-dir', join(dir, 'outpost'), '--http-listen', `127.0.0.1:${httpPort}`, '--mqtt-listen', '127.0.0.1:0'],
    { stdio: 'ignore' },
  );
  const outpost = `http://127.0.0.1:${httpPort}`;
  try {
    await eventually(async () => ((await fetch(`${outpost}/-/ready`)).ok ? true : undefined), 60_000, 'the aggregator');
    const tsdb = (await (await fetch(`${outpost}/api/v1/status/tsdb`)).json()) as { data: { bytes: number; bytesPerSample: number } };
    storage.outpost.usedBytes = tsdb.data.bytes;
    storage.outpost.chunkBytesPerSample = tsdb.data.bytesPerSample;
    const params = (query: string) =>
      new URLSearchParams({ query, start: String((start + 3600_000) / 1000), end: String((start + 25 * 3600_000) / 1000), step: '60' });
    const time = async (base: string, query: string) => {
      const t0 = performance.now();
      const res = await fetch(`${base}/api/v1/query_range`, { method: 'POST', body: params(query) });
      const body = (await res.json()) as { status: string; error?: string };
      if (body.status !== 'success') throw new Error(`${base}: ${query}: ${body.error}`);
      return performance.now() - t0;
    };
    const timings: QueryTiming[] = [];
    for (const query of BENCH_QUERIES) {
      progress(`query: ${query}`);
      const o: number[] = [];
      const p: number[] = [];
      await time(outpost, query); // warm-up: first touch of the data
      await time(prometheus.url, query);
      for (let i = 0; i < runs; i++) {
        o.push(await time(outpost, query));
        p.push(await time(prometheus.url, query));
      }
      timings.push({ query, outpostMs: median(o), prometheusMs: median(p) });
    }
    return {
      series: hosts * SERIES_PER_HOST,
      samples,
      timings,
      outpostPeakRssMB: peakRssMB(aggregator.pid as number),
      prometheusPeakRssMB: peakRssMB(prometheus.pid),
      storage,
    };
  } finally {
    aggregator.kill('SIGKILL');
    await prometheus.stop();
  }
}
