import { ChunkIterator, decodeChunk, DEFAULT_CHUNK_LIMITS, XorChunk } from '../aggregator/store/tsdb/index.ts';
import { gorillaSeriesBytes } from './gorilla-size.ts';
import { generateSeries, type SeriesKind, type SyntheticSeries } from './node-like-series.ts';

/**
 * Micro-benchmark of the aggregator's chunk codec (not part of `npm run bench`): `npx tsx bench/chunk-codec.ts`.
 * Encodes and decodes ~1,000 node-like series × 24 h × 15 s, prints samples/s and bytes/sample per kind of data,
 * beside the size of the same samples in plain Gorilla chunks (Prometheus' XOR encoding, counted by
 * gorilla-size.ts). BENCH_SERIES and BENCH_POINTS shrink or grow the data set.
 */
const SERIES = Number(process.env.BENCH_SERIES ?? 1000);
const POINTS = Number(process.env.BENCH_POINTS ?? 5760);
const KINDS: readonly SeriesKind[] = ['counter', 'gauge', 'temperature'];

interface Limits {
  readonly maxSamples: number;
  readonly maxBytes: number;
}

/** Cuts a series into chunks the way the head does: before a sample that would exceed either limit. */
function encodeSeries(s: SyntheticSeries, limits: Limits, out: Uint8Array[]): number {
  let chunk = new XorChunk();
  let decimal = 0;
  for (let i = 0; i < s.t.length; i++) {
    if (chunk.numSamples >= limits.maxSamples || chunk.byteLength >= limits.maxBytes) {
      if (chunk.decimal) decimal++;
      out.push(chunk.bytes());
      chunk = new XorChunk();
    }
    chunk.append(s.t[i]!, s.v[i]!, false);
  }
  if (chunk.decimal) decimal++;
  out.push(chunk.bytes());
  return decimal;
}

interface Result {
  samples: number;
  chunks: number;
  decimalChunks: number;
  bytes: number;
  gorillaBytes: number;
  encodeSeconds: number;
  decodeSeconds: number;
  iterateSeconds: number;
}

/** Seconds of the fastest of three runs: the machine is shared, and the best run is the codec's own speed. */
function fastest(f: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    f();
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  return best;
}

function run(series: readonly SyntheticSeries[], limits: Limits): Result {
  let chunks: Uint8Array[] = [];
  const r: Result = { samples: 0, chunks: 0, decimalChunks: 0, bytes: 0, gorillaBytes: 0, encodeSeconds: 0, decodeSeconds: 0, iterateSeconds: 0 };
  r.encodeSeconds = fastest(() => {
    chunks = [];
    r.decimalChunks = 0;
    for (const s of series) r.decimalChunks += encodeSeries(s, limits, chunks);
  });

  const cols = { ts: new Float64Array(limits.maxSamples), vs: new Float64Array(limits.maxSamples), stale: new Uint8Array(limits.maxSamples) };
  let decoded = 0;
  r.decodeSeconds = fastest(() => {
    decoded = 0;
    for (const c of chunks) decoded += decodeChunk(c, cols);
  });

  let checksum = 0;
  r.iterateSeconds = fastest(() => {
    for (const c of chunks) {
      const it = new ChunkIterator(c);
      while (it.next()) checksum += it.v;
    }
  });

  for (const s of series) {
    r.samples += s.t.length;
    r.gorillaBytes += gorillaSeriesBytes(s.t, s.v);
  }
  if (decoded !== r.samples || Number.isNaN(checksum)) throw new Error(`decoded ${decoded} of ${r.samples} samples`);
  r.chunks = chunks.length;
  for (const c of chunks) r.bytes += c.length;
  return r;
}

const rate = (n: number, s: number) => `${(n / s / 1e6).toFixed(1)} M/s`;
const bps = (b: number, n: number) => (b / n).toFixed(3);

function table(title: string, jitterMs: number): void {
  const series = generateSeries({ series: SERIES, points: POINTS, stepMs: 15_000, jitterMs, seed: 7 });
  // Warm-up: let the JIT compile the hot paths before anything is timed.
  run(series.slice(0, 50), DEFAULT_CHUNK_LIMITS);
  const lines = [
    `### ${title}`,
    '',
    '| data | samples | encode | decode (columns) | decode (iterator) | B/sample | Gorilla B/sample | decimal chunks |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const row = (name: string, r: Result) =>
    `| ${name} | ${r.samples} | ${rate(r.samples, r.encodeSeconds)} | ${rate(r.samples, r.decodeSeconds)} | ${rate(r.samples, r.iterateSeconds)} | ${bps(r.bytes, r.samples)} | ${bps(r.gorillaBytes, r.samples)} | ${((100 * r.decimalChunks) / r.chunks).toFixed(0)}% |`;
  for (const kind of KINDS) lines.push(row(kind, run(series.filter((s) => s.kind === kind), DEFAULT_CHUNK_LIMITS)));
  lines.push(row('all', run(series, DEFAULT_CHUNK_LIMITS)));
  lines.push('', 'Chunk size (all data, no byte limit):', '', '| max samples | chunks | B/sample |', '|---|---|---|');
  for (const maxSamples of [120, 240, 480, 960]) {
    const chunks: Uint8Array[] = [];
    for (const s of series) encodeSeries(s, { maxSamples, maxBytes: Infinity }, chunks);
    const bytes = chunks.reduce((sum, c) => sum + c.length, 0);
    lines.push(`| ${maxSamples} | ${chunks.length} | ${bps(bytes, series.length * POINTS)} |`);
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

process.stdout.write(`## Chunk codec: ${SERIES} series × ${POINTS} points at 15 s, Node ${process.version}\n\n`);
table('Timestamps on the 15 s grid', 0);
table('Timestamps with ±10 ms scrape jitter', 10);
