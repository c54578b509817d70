import { describe, expect, it } from 'vitest';
import type { DropEvent } from '../../../agent/buffer/queue.ts';
import { droppedSeqs } from '../../../agent/publish/dropped-seqs.ts';

const drop = (...seqs: number[]): DropEvent => ({
  reason: 'bytes',
  batches: seqs.length,
  samples: seqs.length,
  bytes: seqs.length,
  firstSeq: seqs[0] as number,
  lastSeq: seqs[seqs.length - 1] as number,
  seqs,
  from: 0,
  to: 0,
  at: 0,
  limit: 1,
});

describe('dropped seqs', () => {
  it('says yes once for each dropped seq and no for every other', () => {
    const d = droppedSeqs();
    d.record(drop(3, 4, 5, 7));
    expect([2, 3, 5, 6, 7, 8].map((s) => d.delivered(s))).toEqual([false, true, true, false, true, false]);
    // A repeated ack (a resend answered "duplicate") is not counted again.
    expect([3, 5, 7].map((s) => d.delivered(s))).toEqual([false, false, false]);
    expect(d.delivered(4)).toBe(true);
    expect(d.ranges()).toBe(0);
  });

  it('keeps runs of consecutive seqs as one range, whatever order the drops come in', () => {
    const d = droppedSeqs();
    d.record(drop(10, 11, 12));
    d.record(drop(14, 15));
    expect(d.ranges()).toBe(2);
    d.record(drop(13));
    expect(d.ranges()).toBe(1);
    d.record(drop(2, 3));
    d.record(drop(11));
    expect(d.ranges()).toBe(2);
    expect(d.delivered(12)).toBe(true);
    expect(d.ranges()).toBe(3);
    expect([2, 3, 10, 11, 13, 14, 15].every((s) => d.delivered(s))).toBe(true);
    expect(d.ranges()).toBe(0);
  });

  it('stays bounded, forgetting the oldest drops first', () => {
    const d = droppedSeqs(3);
    for (const seq of [1, 3, 5, 7, 9]) d.record(drop(seq));
    expect(d.ranges()).toBe(3);
    expect([1, 3, 5, 7, 9].map((s) => d.delivered(s))).toEqual([false, false, true, true, true]);
  });
});
