import { describe, expect, it } from 'vitest';
import { BitReader, BitWriter } from '../../../aggregator/store/tsdb/bitstream.ts';
import { ESC_RAW, ESC_STALE, readResidual, RiceModel, unzigzag, writeEscape, writeResidual, zigzag } from '../../../aggregator/store/tsdb/residual.ts';
import { prng } from '../../../bench/node-like-series.ts';

describe('zigzag', () => {
  it('interleaves signs and inverts exactly up to ±2^52', () => {
    expect([0, -1, 1, -2, 2].map(zigzag)).toEqual([0, 1, 2, 3, 4]);
    for (const r of [2 ** 52 - 1, -(2 ** 52) + 1, 123456789, -987654321]) expect(unzigzag(zigzag(r))).toBe(r);
    expect(zigzag(-(2 ** 52) + 1)).toBeLessThan(2 ** 53);
  });
});

describe('adaptive Rice residuals', () => {
  it('round-trip any mix of magnitudes and escapes, with encoder and decoder models in step', () => {
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
    const reader = new BitReader(bytes, 0, bytes.length);
    const dec = new RiceModel();
    const got = items.map(() => readResidual(reader, dec));
    expect(got).toEqual(items);
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
