import { describe, expect, it } from 'vitest';
import { BitWriter, bitsAt, loadWords, peek32, uintAt } from '../../../aggregator/store/tsdb/bitstream.ts';
import {
  ESC_LARGE,
  ESC_RAW,
  ESC_STALE,
  ESCAPE_RUN,
  riceK,
  RiceModel,
  unzigzag,
  writeEscape,
  writeResidual,
  zigzag,
} from '../../../aggregator/store/tsdb/residual.ts';
import { prng } from '../../../bench/node-like-series.ts';

/** k as chunks.md defines it: bitLength(ceil(sum / count) - 1), in float64, evaluated as written. */
function kAsWritten(sum: number, count: number): number {
  const x = Math.ceil(sum / count) - 1;
  return x <= 0 ? 0 : x.toString(2).length;
}

describe('zigzag', () => {
  it('interleaves signs and inverts exactly up to ±2^52', () => {
    expect([0, -1, 1, -2, 2].map(zigzag)).toEqual([0, 1, 2, 3, 4]);
    expect([0, 1, 2, 3, 4].map(unzigzag)).toEqual([0, -1, 1, -2, 2]);
    const r = prng(9);
    const values = [2 ** 52 - 1, -(2 ** 52) + 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 32 + 1, 123456789, -987654321];
    // + 0 turns a -0 from Math.round into 0, which is what the pair gives back for it.
    for (let i = 0; i < 10_000; i++) values.push(Math.round((r() - 0.5) * 2 ** Math.floor(r() * 53)) + 0);
    for (const v of values) expect(unzigzag(zigzag(v))).toBe(v);
    expect(zigzag(-(2 ** 52) + 1)).toBeLessThan(2 ** 53);
  });
});

describe('riceK', () => {
  it('is the smallest k with count * 2^k >= sum, as chunks.md computes it, from any previous k', () => {
    const r = prng(21);
    for (let count = 1; count < 32; count++) {
      for (let k = 0; k <= 53; k++) {
        const edge = count * 2 ** k;
        for (const sum of [edge - 1, edge, edge + 1, Math.floor(edge / 2), Math.floor(edge * 1.5)]) {
          if (sum < 0 || sum >= 2 ** 58) continue;
          const from = Math.floor(r() * 54);
          if (riceK(from, sum, count) !== kAsWritten(sum, count)) expect.fail(`riceK(${from}, ${sum}, ${count})`);
        }
      }
    }
    for (let i = 0; i < 100_000; i++) {
      const count = 1 + Math.floor(r() * 31);
      const sum = Math.floor(r() * 2 ** Math.floor(r() * 58));
      const from = Math.floor(r() * 54);
      if (riceK(from, sum, count) !== kAsWritten(sum, count)) expect.fail(`riceK(${from}, ${sum}, ${count})`);
    }
  });
});

describe('adaptive Rice residuals', () => {
  it('write codes that read back by chunks.md, with any mix of magnitudes and escapes', () => {
    const r = prng(3);
    const items: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const pick = r();
      // Mostly small residuals, with bursts, outliers up to 2^53 - 1, and stale/raw escapes in between.
      if (pick < 0.02) items.push(-1 - (r() < 0.5 ? ESC_STALE : ESC_RAW));
      else if (pick < 0.05) items.push(Math.floor(r() * (2 ** 53 - 1)));
      else items.push(Math.floor(r() * 2 ** (Math.floor(i / 2000) % 12)));
    }
    const w = new BitWriter();
    const enc = new RiceModel();
    for (const u of items) {
      if (u >= 0) writeResidual(w, enc, u);
      else writeEscape(w, -1 - u);
    }
    const bytes = new Uint8Array(w.byteLength);
    w.copyTo(bytes, 0);
    // The reading rules of chunks.md, "Residual codes", with a model of its own.
    const words = loadWords(bytes, 0, bytes.length);
    const dec = new RiceModel();
    let pos = 0;
    const got = items.map(() => {
      const q = Math.min(Math.clz32(~peek32(words, pos)), ESCAPE_RUN);
      pos += q < ESCAPE_RUN ? q + 1 : q;
      let u: number;
      if (q < ESCAPE_RUN) {
        u = q * 2 ** dec.k + uintAt(words, pos, dec.k);
        pos += dec.k;
      } else {
        const kind = bitsAt(words, pos, 2);
        pos += 2;
        if (kind !== ESC_LARGE) return -1 - kind;
        const n = bitsAt(words, pos, 6);
        u = uintAt(words, pos + 6, n);
        pos += 6 + n;
      }
      dec.update(u);
      return u;
    });
    expect(got).toEqual(items);
    expect(pos).toBe(w.bitLength);
    expect(dec.k).toBe(enc.k);
  });

  it('spends about log2 of the typical residual, not a fixed bucket', () => {
    const w = new BitWriter();
    const m = new RiceModel();
    const r = prng(11);
    for (let i = 0; i < 10_000; i++) writeResidual(w, m, Math.floor(r() * 16));
    // Uniform over 16 values: 4 bits of entropy; Rice with k = 3 or 4 spends about 5.
    expect(w.bitLength / 10_000).toBeLessThan(5.5);
  });
});
