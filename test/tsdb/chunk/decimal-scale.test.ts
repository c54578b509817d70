import { describe, expect, it } from 'vitest';
import { DecimalState, fitMantissa, MANTISSA_LIMIT, quantum, roundHalfUp, scaleFor } from '../../../aggregator/store/tsdb/decimal-scale.ts';
import { prng } from '../../../bench/node-like-series.ts';

describe('fitMantissa', () => {
  it('refuses what a decimal cannot rebuild: -0, NaN, ±Inf, binary fractions and overlong mantissas', () => {
    for (const v of [-0, NaN, Infinity, -Infinity, 0.1 + 0.2, Math.PI, 2 ** 50, 1e20, Number.MIN_VALUE]) {
      expect(fitMantissa(v, quantum(15, 0)), String(v)).toBeNaN();
    }
    expect(Object.is(fitMantissa(0, 1), 0)).toBe(true);
    expect(fitMantissa(2 ** 50 - 1, 1)).toBe(2 ** 50 - 1);
    expect(fitMantissa(-(2 ** 50) + 1, 1)).toBe(-(2 ** 50) + 1);
  });

  it('finds the written decimal for every number parsed from text with up to 15 significant digits', () => {
    const r = prng(99);
    for (let i = 0; i < 200_000; i++) {
      const digits = 1 + Math.floor(r() * 15);
      const decimals = Math.floor(r() * 16);
      let m = Math.floor(r() * 10 ** digits);
      if (decimals > 0 && m % 10 === 0) m += 1 + Math.floor(r() * 9);
      if (m >= MANTISSA_LIMIT) continue;
      const sign = r() < 0.3 && m !== 0 ? -1 : 1;
      const padded = String(m).padStart(decimals + 1, '0');
      const unsigned = decimals === 0 ? padded : `${padded.slice(0, -decimals)}.${padded.slice(-decimals)}`;
      const text = sign < 0 ? `-${unsigned}` : unsigned;
      const v = Number(text);
      const s = scaleFor(v, 0, 0, false);
      if (s === undefined || s.e !== decimals || s.m !== sign * m || s.m / quantum(s.e, 0) !== v) {
        expect.fail(`${text}: got ${JSON.stringify(s)}`);
      }
    }
  });
});

describe('scaleFor', () => {
  it('guesses a power-of-two factor from a first value in whole pages, but not from a few trailing zeros', () => {
    expect(scaleFor(4096 * 12345, 0, 50, true)).toEqual({ e: 0, z: 12, m: 12345 });
    expect(scaleFor(8, 0, 50, true)).toEqual({ e: 0, z: 0, m: 8 });
    expect(scaleFor(45.3, 0, 50, true)).toEqual({ e: 1, z: 0, m: 453 });
    expect(scaleFor(0, 0, 50, true)).toEqual({ e: 0, z: 0, m: 0 });
  });

  it('refines without undoing: at least minE decimals and at most maxZ zeros', () => {
    expect(scaleFor(4096 * 3, 2, 5, false)).toEqual({ e: 2, z: 5, m: (4096 * 3 * 100) / 32 });
    expect(scaleFor(1.25, 1, 0, false)).toEqual({ e: 2, z: 0, m: 125 });
    expect(scaleFor(Math.PI, 0, 0, false)).toBeUndefined();
  });
});

describe('DecimalState', () => {
  it('moves to the mean-step predictor for a noisy steady counter, and to delta for a wandering gauge', () => {
    const counter = new DecimalState();
    counter.start({ e: 0, z: 0, m: 0 });
    const r = prng(5);
    let m = 0;
    for (let i = 0; i < 50; i++) counter.accept((m += 1000 + Math.floor(r() * 100)));
    // The mean step is near 1050: the prediction lands within the noise band of the next value.
    expect(Math.abs(counter.predict() - (m + 1050))).toBeLessThan(60);

    const gauge = new DecimalState();
    gauge.start({ e: 0, z: 0, m: 500 });
    for (let i = 0; i < 50; i++) gauge.accept(i % 2 === 0 ? 520 : 480);
    expect(gauge.predict()).toBe(gauge.m1);
  });

  it('refuses a rescale that would take the mantissa out of the exact range, and keeps its scale', () => {
    const s = new DecimalState();
    s.start({ e: 0, z: 0, m: 2 ** 40 });
    expect(s.rescale(5, 0)).toBe(false);
    expect([s.e, s.q, s.m1]).toEqual([0, 1, 2 ** 40]);
    expect(s.rescale(2, 0)).toBe(true);
    expect([s.e, s.q, s.m1]).toEqual([2, 100, 2 ** 40 * 100]);
  });
});

describe('roundHalfUp', () => {
  it('is Math.round, ties towards +Infinity, including just below a half and past 2^52', () => {
    const edges = [0.49999999999999994, -0.49999999999999994, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 2 ** 52, 2 ** 52 + 1];
    edges.push(-(2 ** 52) - 1, 2 ** 53, 4503599627370495.5, -4503599627370495.5, 1e-300, -1e-300, 2 ** 51 - 0.5);
    const r = prng(5);
    for (let i = 0; i < 200_000; i++) {
      const whole = Math.floor((r() - 0.5) * 2 ** Math.floor(r() * 53));
      // A half, or a fraction a few ulps away from one, or anything.
      edges.push(whole + 0.5, whole + 0.5 - 2 ** -Math.floor(r() * 60), (r() - 0.5) * 2 ** (Math.floor(r() * 70) - 10));
    }
    // == rather than Object.is: the sign of a zero result may differ, and the predictor never sees it (see the source).
    for (const x of edges) if (!(roundHalfUp(x) === Math.round(x))) expect.fail(`roundHalfUp(${x}) = ${roundHalfUp(x)}, Math.round gives ${Math.round(x)}`);
  });
});
