import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openLmdbStore } from '../aggregator/store/lmdb-store.ts';
import { freePort } from '../test/helpers/ports.ts';
import { eventually } from '../test/helpers/process.ts';
import { createBlocks, startPrometheus } from '../test/helpers/prometheus.ts';
import { datasetBatches, generateDataset, sampleCount, writeOpenMetrics, SERIES_PER_HOST } from './dataset.ts';

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
  createBlocks('/usr/bin/promtool', file, join(dir, 'prometheus', 'data'));
  const prometheus = await startPrometheus({ binary: '/usr/bin/prometheus', dir: join(dir, 'prometheus') });

  progress('loading it into Outpost');
  const store = await openLmdbStore(join(dir, 'outpost', 'store'));
  let loaded = 0;
  for (const batch of datasetBatches(data, 'bench', 10_000)) {
    await store.appendBatch(batch);
    loaded += batch.samples.length;
    if (loaded % 1_000_000 < 10_000) progress(`  ${Math.round((loaded / samples) * 100)}%`);
  }
  await store.close();
  const httpPort = await freePort();
  const aggregator = spawn(
    process.execPath,
    [CLI, 'aggregator', '--data-dir', join(dir, 'outpost'), '--http-listen', `127.0.0.1:${httpPort}`, '--mqtt-listen', '127.0.0.1:0'],
    { stdio: 'ignore' },
  );
  const outpost = `http://127.0.0.1:${httpPort}`;
  try {
    await eventually(async () => ((await fetch(`${outpost}/-/ready`)).ok ? true : undefined), 60_000, 'the aggregator');
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
    };
  } finally {
    aggregator.kill('SIGKILL');
    await prometheus.stop();
  }
}
