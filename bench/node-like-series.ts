/**
 * Synthetic node_exporter-like series for the chunk codec benchmark and its size tests: one timestamp and one
 * value column per series, from a seeded PRNG so every run sees the same samples.
 */

export type SeriesKind = 'counter' | 'gauge' | 'temperature';

export interface SyntheticSeries {
  readonly kind: SeriesKind;
  readonly t: Float64Array;
  readonly v: Float64Array;
}

export interface SyntheticOptions {
  readonly series: number;
  readonly points: number;
  readonly stepMs: number;
  /** Scrape jitter: each timestamp is off the grid by a uniform integer in [-jitterMs, jitterMs]. */
  readonly jitterMs: number;
  readonly seed: number;
}

/** mulberry32: small, fast and seedable. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const START_MS = 1_700_000_000_000;
const round = (v: number, decimals: number) => Math.round(v * 10 ** decimals) / 10 ** decimals;

/** 40% float counters (0.01 resolution, node_cpu_seconds_total-like), 30% integer gauges, 30% temperatures. */
export function generateSeries(o: SyntheticOptions): SyntheticSeries[] {
  const rnd = prng(o.seed);
  const out: SyntheticSeries[] = [];
  for (let s = 0; s < o.series; s++) {
    const kind: SeriesKind = s % 10 < 4 ? 'counter' : s % 10 < 7 ? 'gauge' : 'temperature';
    const t = new Float64Array(o.points);
    const v = new Float64Array(o.points);
    for (let i = 0; i < o.points; i++) {
      t[i] = START_MS + i * o.stepMs + (o.jitterMs === 0 ? 0 : Math.round((rnd() * 2 - 1) * o.jitterMs));
    }
    fill(kind, v, o.stepMs / 1000, rnd);
    out.push({ kind, t, v });
  }
  return out;
}

function fill(kind: SeriesKind, v: Float64Array, stepS: number, rnd: () => number): void {
  const n = v.length;
  if (kind === 'counter') {
    // CPU seconds in one mode: a share of the step, with per-series noise, at the kernel's 0.01 s resolution.
    const share = [0.8, 0.12, 0.06, 0.02][Math.floor(rnd() * 4)]!;
    const noise = 0.05 + rnd() * 0.45;
    let x = round(rnd() * 1e6, 2);
    for (let i = 0; i < n; i++) v[i] = x = round(x + stepS * share * (1 - noise + 2 * noise * rnd()), 2);
    return;
  }
  if (kind === 'gauge') {
    const shape = Math.floor(rnd() * 3);
    if (shape === 0) {
      // Process or connection counts: a small random walk.
      let x = 5 + Math.floor(rnd() * 50);
      for (let i = 0; i < n; i++) v[i] = x = Math.max(0, x + Math.floor(rnd() * 5) - 2);
    } else if (shape === 1) {
      // Memory in whole 4 KiB pages, wandering by up to 64 pages a scrape.
      let pages = 200_000 + Math.floor(rnd() * 800_000);
      for (let i = 0; i < n; i++) v[i] = (pages += Math.floor(rnd() * 129) - 64) * 4096;
    } else {
      // Allocated file descriptors: mostly constant, sometimes a step.
      let x = 1000 + Math.floor(rnd() * 9000);
      for (let i = 0; i < n; i++) v[i] = x += rnd() < 0.1 ? Math.floor(rnd() * 41) - 20 : 0;
    }
    return;
  }
  const base = 35 + rnd() * 30;
  const phase = rnd() * 6.28;
  for (let i = 0; i < n; i++) v[i] = round(base + 8 * Math.sin(i / 200 + phase) + rnd() * 0.6, 1);
}
