import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { buildBatch, type Batch, type CollectedSample } from '../protocol/batch.ts';
import type { Labels } from '../protocol/labels.ts';
import { prng } from './node-like-series.ts';

/**
 * Node-like metrics on a regular grid, the same samples for Outpost and for Prometheus (via OpenMetrics and
 * `promtool tsdb create-blocks-from openmetrics`): float counters with decimal noise, integer gauges, temperatures,
 * classic histogram buckets, a counter reset and a gap, so comparisons and benchmarks see realistic shapes.
 */
export interface Dataset {
  /** Time of the first point, ms. */
  readonly start: number;
  readonly stepMs: number;
  readonly points: number;
  readonly series: readonly GeneratedSeries[];
}

export interface GeneratedSeries {
  readonly family: string;
  readonly type: 'counter' | 'gauge' | 'unknown';
  readonly labels: Labels;
  /** One value per grid point; NaN where the series has no sample (a gap). */
  readonly values: Float64Array;
}

export interface DatasetOptions {
  readonly hosts: number;
  readonly start: number;
  readonly stepMs: number;
  readonly points: number;
  readonly seed?: number;
}

/** Series per host: 16 cpu + 12 histogram + 11 others. */
export const SERIES_PER_HOST = 39;

const round = (v: number, decimals: number) => Math.round(v * 10 ** decimals) / 10 ** decimals;

export function generateDataset(o: DatasetOptions): Dataset {
  const rnd = prng(o.seed ?? 42);
  const n = o.points;
  const step = o.stepMs / 1000;
  const series: GeneratedSeries[] = [];
  const add = (family: string, type: GeneratedSeries['type'], labels: Labels, fill: (i: number, prev: number) => number) => {
    const values = new Float64Array(n);
    let prev = 0;
    for (let i = 0; i < n; i++) values[i] = prev = fill(i, prev);
    series.push({ family, type, labels, values });
  };

  for (let h = 0; h < o.hosts; h++) {
    const host = { instance: `host-${String(h).padStart(3, '0')}:9100`, job: 'node' };
    for (let cpu = 0; cpu < 4; cpu++) {
      for (const [mode, share] of [['idle', 0.8], ['user', 0.12], ['system', 0.06], ['iowait', 0.02]] as const) {
        // Counters start where a host up for a while would have them, not at zero.
        add('node_cpu_seconds', 'counter', { __name__: 'node_cpu_seconds_total', ...host, cpu: String(cpu), mode }, (i, prev) =>
          round((i === 0 ? 86_400 * share : prev) + step * share * (0.5 + rnd()), 2),
        );
      }
    }
    const memTotal = 4 * 1024 ** 3;
    add('node_memory_MemAvailable_bytes', 'gauge', { __name__: 'node_memory_MemAvailable_bytes', ...host }, () =>
      Math.round((memTotal * (0.3 + 0.2 * rnd())) / 4096) * 4096,
    );
    add('node_load1', 'gauge', { __name__: 'node_load1', ...host }, (i) => round(1 + Math.sin(i / 40 + h) + rnd() * 0.5, 2));
    for (let sensor = 1; sensor <= 4; sensor++) {
      add('node_hwmon_temp_celsius', 'gauge', { __name__: 'node_hwmon_temp_celsius', ...host, chip: 'platform_coretemp_0', sensor: `temp${sensor}` }, (i) =>
        round(45 + 10 * Math.sin(i / 100 + sensor) + rnd(), 1),
      );
    }
    for (const device of ['eth0', 'wlan0']) {
      // The first host's eth0 counter restarts half way: rate() and resets() must see one reset.
      const reset = h === 0 && device === 'eth0' ? Math.floor(n / 2) : -1;
      add('node_network_receive_bytes', 'counter', { __name__: 'node_network_receive_bytes_total', ...host, device }, (i, prev) =>
        i === reset ? Math.floor(rnd() * 1000) : (i === 0 ? 5e9 : prev) + Math.floor(rnd() * 150_000),
      );
    }
    for (const [mountpoint, size] of [['/', 30e9], ['/data', 500e9]] as const) {
      add('node_filesystem_avail_bytes', 'gauge', { __name__: 'node_filesystem_avail_bytes', ...host, mountpoint, fstype: 'ext4' }, (i, prev) =>
        i === 0 ? Math.round(size * 0.6) : prev - Math.floor(rnd() * 4096) * 512,
      );
    }
    for (const handler of ['/api', '/metrics']) {
      const bounds = ['0.1', '0.5', '1', '+Inf'];
      const base = [50_000, 80_000, 95_000, 100_000];
      const counts = [...base];
      const labels = { ...host, handler };
      // Buckets are cumulative: each step's requests land in one bucket and every bucket above it.
      const perStep: number[][] = Array.from({ length: n }, () => {
        const requests = Math.floor(rnd() * 20);
        const step = bounds.map(() => 0);
        for (let r = 0; r < requests; r++) {
          const x = rnd();
          for (let b = x < 0.5 ? 0 : x < 0.8 ? 1 : x < 0.95 ? 2 : 3; b < bounds.length; b++) step[b]! += 1;
        }
        return step;
      });
      bounds.forEach((le, b) => {
        add('http_request_duration_seconds_bucket', 'unknown', { __name__: 'http_request_duration_seconds_bucket', ...labels, le }, (i) =>
          (counts[b]! += perStep[i]![b]!),
        );
      });
      add('http_request_duration_seconds_count', 'unknown', { __name__: 'http_request_duration_seconds_count', ...labels }, (i, prev) =>
        (i === 0 ? base[3]! : prev) + perStep[i]![bounds.length - 1]!,
      );
      add('http_request_duration_seconds_sum', 'unknown', { __name__: 'http_request_duration_seconds_sum', ...labels }, (i, prev) =>
        round((i === 0 ? base[3]! * 0.2 : prev) + perStep[i]![bounds.length - 1]! * 0.2 * (0.5 + rnd()), 3),
      );
    }
    // Down for a stretch in the middle, and for each host a different one: absent() and lookback see the gap.
    const gapFrom = Math.floor(n * 0.4) + h;
    add('up', 'gauge', { __name__: 'up', ...host }, (i) => (i >= gapFrom && i < gapFrom + 40 ? NaN : 1));
  }
  return { start: o.start, stepMs: o.stepMs, points: n, series };
}

export function sampleCount(d: Dataset): number {
  let count = 0;
  for (const s of d.series) for (const v of s.values) if (!Number.isNaN(v)) count++;
  return count;
}

const labelText = (labels: Labels) =>
  Object.entries(labels)
    .filter(([k]) => k !== '__name__')
    .map(([k, v]) => `${k}="${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`)
    .join(',');

/** OpenMetrics text for promtool: each family's lines together, each series in time order, seconds timestamps. */
export async function writeOpenMetrics(d: Dataset, path: string): Promise<void> {
  const out = createWriteStream(path);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  const families = new Map<string, GeneratedSeries[]>();
  for (const s of d.series) families.set(s.family, [...(families.get(s.family) ?? []), s]);
  for (const [family, members] of families) {
    await write(`# TYPE ${family} ${members[0]!.type}\n`);
    for (const s of members) {
      const head = `${s.labels.__name__}{${labelText(s.labels)}} `;
      let chunk = '';
      s.values.forEach((v, i) => {
        if (!Number.isNaN(v)) chunk += `${head}${v} ${(d.start + i * d.stepMs) / 1000}\n`;
      });
      await write(chunk);
    }
  }
  await write('# EOF\n');
  out.end();
  await once(out, 'finish');
}

/** The same samples as agent batches of about `samplesPerBatch`, time-major as an agent would send them. */
export function* datasetBatches(d: Dataset, agent: string, samplesPerBatch: number): Generator<Batch> {
  let seq = 1;
  let pending: CollectedSample[] = [];
  for (let i = 0; i < d.points; i++) {
    const t = d.start + i * d.stepMs;
    for (const s of d.series) {
      const v = s.values[i]!;
      if (!Number.isNaN(v)) pending.push({ labels: s.labels, t, v });
    }
    if (pending.length >= samplesPerBatch) {
      yield buildBatch(agent, seq++, pending);
      pending = [];
    }
  }
  if (pending.length > 0) yield buildBatch(agent, seq, pending);
}

/** The samples of each grid point in turn: one collection of every series, as an agent queues it (one batch each). */
export function* datasetCollections(d: Dataset): Generator<CollectedSample[]> {
  for (let i = 0; i < d.points; i++) {
    const t = d.start + i * d.stepMs;
    const collected: CollectedSample[] = [];
    for (const s of d.series) {
      const v = s.values[i]!;
      if (!Number.isNaN(v)) collected.push({ labels: s.labels, t, v });
    }
    yield collected;
  }
}
