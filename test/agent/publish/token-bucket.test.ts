import { describe, expect, it } from 'vitest';
import { tokenBucket } from '../../../agent/publish/token-bucket.ts';

describe('token bucket', () => {
  it('lets one batch go at once, then holds the next until its bytes have been paid for', () => {
    const b = tokenBucket(1000);
    expect(b.take(500, 0)).toBe(true);
    expect(b.waitMs(0)).toBe(500);
    expect(b.take(500, 499)).toBe(false);
    expect(b.take(500, 500)).toBe(true);
    expect(b.waitMs(500)).toBe(500);
  });

  it('lets a batch larger than a second through, and the debt delays what follows', () => {
    const b = tokenBucket(1000);
    expect(b.take(3000, 0)).toBe(true);
    expect(b.waitMs(0)).toBe(3000);
    expect(b.take(1, 2999)).toBe(false);
    expect(b.take(1, 3000)).toBe(true);
  });

  it('saves nothing up while idle: after a pause the rate holds from the first batch on', () => {
    const b = tokenBucket(1000);
    expect(b.take(100, 0)).toBe(true);
    expect(b.take(100, 60_000)).toBe(true);
    expect(b.take(100, 60_000)).toBe(false);
  });

  it('keeps bytes sent within rate × time + one batch over any run of offers', () => {
    const rate = 2048;
    const b = tokenBucket(rate);
    const sizes = [700, 1500, 300, 4000, 900, 100, 2500];
    let sent = 0;
    let biggest = 0;
    for (let t = 0, i = 0; t <= 20_000; t += 37, i++) {
      const size = sizes[i % sizes.length] as number;
      while (b.take(size, t)) {
        sent += size;
        biggest = Math.max(biggest, size);
      }
      expect(sent).toBeLessThanOrEqual((rate * t) / 1000 + biggest);
    }
    // And it is not much slower than the rate either.
    expect(sent).toBeGreaterThanOrEqual(rate * 20 - biggest);
  });

  it('does not mint tokens when the clock steps back', () => {
    const b = tokenBucket(1000);
    expect(b.take(1000, 10_000)).toBe(true);
    expect(b.take(1, 5_000)).toBe(false);
    expect(b.take(1, 10_999)).toBe(false);
    expect(b.take(1, 11_000)).toBe(true);
  });

  it('caps nothing at rate 0', () => {
    const b = tokenBucket(0);
    for (let i = 0; i < 100; i++) expect(b.take(1 << 20, 0)).toBe(true);
    expect(b.waitMs(0)).toBe(0);
  });
});
