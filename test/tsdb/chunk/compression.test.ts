import { describe, expect, it } from 'vitest';
import { XorChunk } from '../../../aggregator/store/tsdb/index.ts';
import { gorillaSeriesBytes } from '../../../bench/gorilla-size.ts';
import { generateSeries, type SeriesKind } from '../../../bench/node-like-series.ts';

/** Bytes of a series in 120-sample chunks, the cut Prometheus uses, so both sides pay the same per-chunk costs. */
function outpostBytes(t: Float64Array, v: Float64Array): { bytes: number; decimal: boolean } {
  let bytes = 0;
  let decimal = true;
  for (let from = 0; from < t.length; from += 120) {
    const c = new XorChunk();
    for (let i = from; i < Math.min(t.length, from + 120); i++) c.append(t[i]!, v[i]!);
    bytes += c.byteLength;
    decimal &&= c.decimal;
  }
  return { bytes, decimal };
}

describe('chunk size on node-like data', () => {
  for (const jitterMs of [0, 10]) {
    const series = generateSeries({ series: 60, points: 1440, stepMs: 15_000, jitterMs, seed: 3 });
    // XOR already does well on integer gauges (whole numbers have many trailing zero bits); decimals do not.
    const bounds: [SeriesKind, number][] = [['counter', 0.5], ['gauge', 1], ['temperature', 0.5]];
    for (const [kind, bound] of bounds) {
      it(`${kind}s with ${jitterMs} ms jitter: decimal-coded and under ${bound} × the size of plain Gorilla chunks`, () => {
        let ours = 0;
        let gorilla = 0;
        for (const s of series.filter((x) => x.kind === kind)) {
          const r = outpostBytes(s.t, s.v);
          expect(r.decimal).toBe(true);
          ours += r.bytes;
          gorilla += gorillaSeriesBytes(s.t, s.v);
        }
        expect(ours).toBeLessThan(gorilla * bound);
      });
    }
  }

  it('a value that is not a short decimal switches the rest of the chunk to XOR, which stays near Gorilla', () => {
    const t = Float64Array.from({ length: 120 }, (_, i) => i * 15_000);
    const v = Float64Array.from({ length: 120 }, (_, i) => (i < 10 ? i : Math.sqrt(i)));
    const c = new XorChunk();
    for (let i = 0; i < 120; i++) c.append(t[i]!, v[i]!);
    expect(c.decimal).toBe(false);
    expect(c.byteLength).toBeLessThan(gorillaSeriesBytes(t, v) * 1.05);
  });
});
