import { prng } from '../../../bench/node-like-series.ts';
import { fromBits } from './random-series.ts';

/**
 * Fixed inputs for golden-chunks.json, which holds their chunks as the format-1 encoder wrote them before the
 * decoder was rewritten for speed. Every code of chunks.md occurs in at least one of them: plain and Large residuals
 * in both streams, every Start code, Stale, Raw, both Recodes, XOR windows and the XOR stale marker.
 */
export interface GoldenSeries {
  readonly name: string;
  readonly t: number[];
  readonly v: number[];
  readonly stale: boolean[];
}

const START = 1_700_000_000_000;

function series(name: string, n: number, sample: (i: number, r: () => number) => [number, number, boolean]): GoldenSeries {
  const r = prng(name.length * 7919);
  const out: GoldenSeries = { name, t: [], v: [], stale: [] };
  for (let i = 0; i < n; i++) {
    const [t, v, stale] = sample(i, r);
    out.t.push(t);
    out.v.push(v);
    out.stale.push(stale);
  }
  return out;
}

export function goldenSeries(): GoldenSeries[] {
  let counter = 12345.67;
  let pages = 250_000;
  let t5 = -(2 ** 40);
  return [
    series('a 0.01 counter on the 15 s grid', 240, (i, r) => {
      counter = Math.round((counter + 12 * (0.8 + 0.4 * r())) * 100) / 100;
      return [START + 15_000 * i, counter, false];
    }),
    series('a gauge in 4 KiB pages with 10 ms jitter', 240, (i, r) => {
      pages += Math.floor(r() * 129) - 64;
      return [START + 15_000 * i + Math.round((r() * 2 - 1) * 10), pages * 4096, false];
    }),
    series('temperatures, stale markers, then two decimals', 200, (i, r) => {
      const decimals = i < 120 ? 1 : 2;
      const v = Math.round((45 + 10 * Math.sin(i / 20) + r()) * 10 ** decimals) / 10 ** decimals;
      return [START + 10_000 * i, v, i % 37 === 36];
    }),
    series('specials, then a switch to XOR', 120, (i, r) => {
      const specials = [NaN, -0, Infinity, fromBits(0x7ff00000, 2)];
      if (i >= 20 && i < 24) return [START + 1000 * i, specials[i - 20]!, false];
      if (i < 60) return [START + 1000 * i, Math.round(r() * 1e4) / 100, false];
      return [START + 1000 * i, Math.PI * (1 + r()), i % 25 === 0];
    }),
    series('stale and raw first, large gaps and jumps', 150, (i, r) => {
      t5 += i % 40 === 39 ? 2 ** 33 + Math.floor(r() * 1000) : 1 + Math.floor(r() * 50);
      if (i < 3) return [t5, i === 1 ? NaN : 0, i !== 1];
      return [t5, i % 30 === 0 ? Math.floor(r() * 2 ** 45) : 1000 + (i % 7), false];
    }),
    series('XOR from the first value', 100, (i, r) => [START + 60_000 * i, Math.E * (1 + r() / 3), i === 50]),
  ];
}
