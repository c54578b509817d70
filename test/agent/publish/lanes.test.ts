import { describe, expect, it } from 'vitest';
import { memoryQueue } from '../../../agent/buffer/memory-queue.ts';
import { pickSends, type Lane } from '../../../agent/publish/lanes.ts';
import { tokenBucket } from '../../../agent/publish/token-bucket.ts';

const bytes = (n: number) => () => new Uint8Array(n);

async function queueOf(backlog: number, live: number, size = 100) {
  const queue = memoryQueue();
  for (let i = 0; i < backlog; i++) await queue.enqueue(bytes(size), i);
  const liveFrom = queue.stats().created;
  for (let i = 0; i < live; i++) await queue.enqueue(bytes(size), 1000 + i);
  return { queue, liveFrom };
}

const picked = (p: ReturnType<typeof pickSends>) => p.sends.map((s) => `${s.lane[0]}${s.batch.seq}`);
const unlimited = () => tokenBucket(0);

describe('lanes', () => {
  it('puts live batches first, then the backlog oldest first, keeping one slot of the window from the backlog', async () => {
    const { queue, liveFrom } = await queueOf(10, 2);
    expect(picked(pickSends(queue, { windowSize: 8, inFlight: new Map(), liveFrom, bucket: unlimited(), now: 0 }))).toEqual([
      'l10', 'l11', 'b0', 'b1', 'b2', 'b3', 'b4', 'b5',
    ]);
    // Backlog only: it may take all but one slot.
    const old = await queueOf(10, 0);
    expect(picked(pickSends(old.queue, { windowSize: 8, inFlight: new Map(), liveFrom: old.liveFrom, bucket: unlimited(), now: 0 }))).toEqual([
      'b0', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6',
    ]);
  });

  it('sends a live batch queued while the backlog fills its share of the window at once', async () => {
    const { queue, liveFrom } = await queueOf(10, 1);
    const inFlight = new Map<number, Lane>([0, 1, 2, 3].map((seq) => [seq, 'backlog']));
    expect(picked(pickSends(queue, { windowSize: 5, inFlight, liveFrom, bucket: unlimited(), now: 0 }))).toEqual(['l10']);
    inFlight.set(10, 'live');
    expect(picked(pickSends(queue, { windowSize: 5, inFlight, liveFrom, bucket: unlimited(), now: 0 }))).toEqual([]);
  });

  it('lets live batches take the whole window, and the backlog waits', async () => {
    const { queue, liveFrom } = await queueOf(3, 6);
    expect(picked(pickSends(queue, { windowSize: 4, inFlight: new Map(), liveFrom, bucket: unlimited(), now: 0 }))).toEqual(['l3', 'l4', 'l5', 'l6']);
  });

  it('shares a window of one, live first', async () => {
    const { queue, liveFrom } = await queueOf(2, 1);
    expect(picked(pickSends(queue, { windowSize: 1, inFlight: new Map(), liveFrom, bucket: unlimited(), now: 0 }))).toEqual(['l2']);
    const old = await queueOf(2, 0);
    expect(picked(pickSends(old.queue, { windowSize: 1, inFlight: new Map(), liveFrom: old.liveFrom, bucket: unlimited(), now: 0 }))).toEqual(['b0']);
  });

  it('paces the backlog with the bucket and says so, while live batches take nothing from it', async () => {
    const { queue, liveFrom } = await queueOf(10, 3, 1000);
    const bucket = tokenBucket(2000);
    const first = pickSends(queue, { windowSize: 8, inFlight: new Map(), liveFrom, bucket, now: 0 });
    // 1000 bytes go at once and put the bucket 1000 bytes in debt: the second backlog batch waits 500 ms.
    expect(picked(first)).toEqual(['l10', 'l11', 'l12', 'b0']);
    expect(first.throttled).toBe(true);
    expect(bucket.waitMs(0)).toBe(500);
    const inFlight = new Map(first.sends.map((s) => [s.batch.seq, s.lane]));
    expect(picked(pickSends(queue, { windowSize: 8, inFlight, liveFrom, bucket, now: 499 }))).toEqual([]);
    expect(picked(pickSends(queue, { windowSize: 8, inFlight, liveFrom, bucket, now: 500 }))).toEqual(['b1']);
  });

  it('picks nothing when the window is full, and skips what is in flight', async () => {
    const { queue, liveFrom } = await queueOf(4, 2);
    const full = new Map<number, Lane>([[0, 'backlog'], [4, 'live']]);
    expect(pickSends(queue, { windowSize: 2, inFlight: full, liveFrom, bucket: unlimited(), now: 0 })).toEqual({ sends: [], throttled: false });
    expect(picked(pickSends(queue, { windowSize: 4, inFlight: full, liveFrom, bucket: unlimited(), now: 0 }))).toEqual(['l5', 'b1']);
  });
});
