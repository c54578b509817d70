import { describe, expect, it } from 'vitest';
import { createBatcher } from '../../../agent/buffer/batcher.ts';
import type { CollectedSample } from '../../../protocol/batch.ts';

const sample = (v: number): CollectedSample => ({ labels: { __name__: 'x' }, v, t: v });

describe('batcher', () => {
  it('puts samples arriving within the delay into one batch, in order', async () => {
    const batches: number[][] = [];
    const b = createBatcher({ delayMs: 30, maxSamples: 100, write: async (s) => void batches.push(s.map((x) => x.v)), onError: () => {} });
    b.add([sample(1), sample(2)]);
    b.add([sample(3)]);
    await new Promise((r) => setTimeout(r, 60));
    b.add([sample(4)]);
    await b.flush();
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('cuts a batch early at maxSamples', async () => {
    const sizes: number[] = [];
    const b = createBatcher({ delayMs: 1_000, maxSamples: 3, write: async (s) => void sizes.push(s.length), onError: () => {} });
    b.add([1, 2, 3, 4, 5, 6, 7].map(sample));
    await b.flush();
    expect(sizes).toEqual([3, 3, 1]);
  });

  it('reports a failed write and keeps going with the next batch', async () => {
    const failures: number[] = [];
    let calls = 0;
    const b = createBatcher({
      delayMs: 5,
      maxSamples: 10,
      write: async () => {
        if (calls++ === 0) throw new Error('disk full');
      },
      onError: (err, n) => failures.push(n) && expect(err.message).toBe('disk full'),
    });
    b.add([sample(1), sample(2)]);
    await b.flush();
    b.add([sample(3)]);
    await b.flush();
    expect(failures).toEqual([2]);
    expect(calls).toBe(2);
  });
});
