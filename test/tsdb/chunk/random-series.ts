import { prng } from '../../../bench/node-like-series.ts';

/** One generated chunk's worth of samples; values are kept in a Float64Array so NaN payloads survive. */
export interface RandomSeries {
  readonly shape: string;
  readonly t: Float64Array;
  readonly v: Float64Array;
  readonly stale: Uint8Array;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

export function fromBits(hi: number, lo: number): number {
  u32[HI] = hi;
  u32[1 - HI] = lo;
  return f64[0]!;
}

/** Random shapes a chunk must round-trip: every timestamp pattern crossed with every value pattern. */
export class SeriesGenerator {
  private readonly rnd: () => number;

  constructor(seed: number) {
    this.rnd = prng(seed);
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.rnd() * (hi - lo + 1));
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)]!;
  }

  series(): RandomSeries {
    const n = this.rnd() < 0.05 ? this.int(1, 3) : this.rnd() < 0.9 ? this.int(2, 400) : this.int(400, 3000);
    const tShape = this.pick(TIME_SHAPES);
    const vShape = this.pick(VALUE_SHAPES);
    const staleRate = this.pick([0, 0, 0, 0.02, 0.2, 1]);
    const t = new Float64Array(n);
    const v = new Float64Array(n);
    const stale = new Uint8Array(n);
    this.times(tShape, t);
    this.values(vShape, v);
    for (let i = 0; i < n; i++) if (this.rnd() < staleRate) stale[i] = 1;
    return { shape: `${tShape}/${vShape}/stale=${staleRate}`, t, v, stale };
  }

  private times(shape: (typeof TIME_SHAPES)[number], t: Float64Array): void {
    const r = this.rnd;
    const n = t.length;
    let x = this.pick([1_700_000_000_000, 0, -1_000_000_000_000, -(2 ** 51), 2 ** 51 - 15_000 * n - 1]);
    const step = this.pick([15_000, 10_000, 60_000, 1, 1000]);
    const jitter = this.pick([0, 2, 10, 500]);
    for (let i = 0; i < n; i++) {
      if (shape === 'regular') x += i === 0 ? 0 : step;
      else if (shape === 'jitter') x += i === 0 ? 0 : Math.max(1, step + Math.round((r() * 2 - 1) * jitter));
      else if (shape === 'gaps') x += i === 0 ? 0 : r() < 0.1 ? this.int(1, 10) * step : step;
      else if (shape === 'irregular') x += i === 0 ? 0 : 1 + Math.floor(r() ** 4 * 1e7);
      else x += i === 0 ? 0 : r() < 0.02 ? 2 ** 32 + this.int(0, 2 ** 20) : this.int(1, 100);
      t[i] = x;
    }
    // Keep the whole chunk inside the timestamp range from any start.
    if (t[n - 1]! >= 2 ** 51) for (let i = 0; i < n; i++) t[i] = t[i]! - (t[n - 1]! - (2 ** 51 - 1));
  }

  private values(shape: (typeof VALUE_SHAPES)[number], v: Float64Array): void {
    const r = this.rnd;
    const n = v.length;
    const decimals = this.int(0, 6);
    const p = 10 ** decimals;
    let x = Math.round(r() * 1e6 * p) / p;
    for (let i = 0; i < n; i++) {
      switch (shape) {
        case 'counter':
          x = Math.round((x + r() * 20) * p) / p;
          break;
        case 'gauge-int':
          x = Math.max(0, x + this.int(-3, 3));
          break;
        case 'pages':
          x = this.int(1, 2 ** 20) * 4096;
          break;
        case 'temperature':
          x = Math.round((45 + 10 * Math.sin(i / 50) + r()) * 10) / 10;
          break;
        case 'constant':
          break;
        case 'random':
          x = (r() - 0.5) * 10 ** this.int(-300, 300);
          break;
        case 'bits':
          x = fromBits(this.int(0, 2 ** 32 - 1), this.int(0, 2 ** 32 - 1));
          break;
        case 'rescale': {
          // One more decimal every 8 samples: the chunk must refine its scale (or give up on decimals).
          const e = Math.min(15, i >> 3);
          x = Math.round(r() * 1000 * 10 ** e) / 10 ** e;
          break;
        }
        case 'huge-int':
          x = this.pick([2 ** 50, 2 ** 53, -(2 ** 50) + 1, 2 ** 50 - 1, 1e20]) + this.int(0, 3) * 2 ** 10;
          break;
        default:
          x = r() < 0.7 ? Math.round(r() * 1e4) / 100 : this.pick(SPECIALS)();
      }
      v[i] = x;
    }
  }
}

const TIME_SHAPES = ['regular', 'jitter', 'gaps', 'irregular', 'huge-gaps'] as const;
const VALUE_SHAPES = ['counter', 'gauge-int', 'pages', 'temperature', 'constant', 'random', 'bits', 'rescale', 'huge-int', 'mixed'] as const;

/** Values a decimal cannot hold, or that sit on the edges of float64. */
const SPECIALS: readonly (() => number)[] = [
  () => NaN,
  () => fromBits(0x7ff80000, 0x12345), // quiet NaN with a payload
  () => fromBits(0xfff80000, 1), // negative quiet NaN
  () => fromBits(0x7ff00000, 2), // Prometheus' stale-marker bits, as a plain (not stale) value
  () => Infinity,
  () => -Infinity,
  () => -0,
  () => 0,
  () => Number.MIN_VALUE,
  () => -Number.MIN_VALUE,
  () => 2.2250738585072e-308, // subnormal
  () => Number.MAX_VALUE,
  () => -Number.MAX_VALUE,
  () => Number.EPSILON,
  () => 0.1 + 0.2,
  () => Math.PI,
];
