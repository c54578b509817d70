import type { BatchQueue, QueuedBatch } from '../buffer/queue.ts';
import type { TokenBucket } from './token-bucket.ts';

/**
 * Live: batches queued since the link last came up (or last stalled), sent first and never held back. Backlog:
 * whatever was waiting before, sent oldest first under the bandwidth cap.
 */
export type Lane = 'live' | 'backlog';
export const LANES: readonly Lane[] = ['live', 'backlog'];

export interface Send {
  readonly batch: QueuedBatch;
  readonly lane: Lane;
}

export interface LaneInput {
  readonly windowSize: number;
  /** Every seq in flight, with the lane it went out on. */
  readonly inFlight: ReadonlyMap<number, Lane>;
  /** The live lane's first seq: the queue's next number when the link last came up or stalled. */
  readonly liveFrom: number;
  /** Paces the backlog; live batches take nothing from it. */
  readonly bucket: TokenBucket;
  readonly now: number;
}

export interface Picked {
  readonly sends: Send[];
  /** The bucket held back a backlog batch that the window had room for: pick again after bucket.waitMs(). */
  readonly throttled: boolean;
}

/**
 * What to publish next. Live and backlog share the window, live first; the backlog may fill all of it but one slot,
 * so that a live batch queued while the backlog drains goes out at once rather than after an ack.
 */
export function pickSends(queue: Pick<BatchQueue, 'since' | 'oldest'>, input: LaneInput): Picked {
  const free = input.windowSize - input.inFlight.size;
  if (free <= 0) return { sends: [], throttled: false };
  const busy = new Set(input.inFlight.keys());
  const live = queue.since(input.liveFrom, free, busy);
  const sends: Send[] = live.map((batch) => ({ batch, lane: 'live' }));
  for (const b of live) busy.add(b.seq);

  let backlogInFlight = 0;
  for (const lane of input.inFlight.values()) if (lane === 'backlog') backlogInFlight++;
  const backlogSlots = Math.min(free - live.length, Math.max(1, input.windowSize - 1) - backlogInFlight);
  if (backlogSlots <= 0) return { sends, throttled: false };
  for (const batch of queue.oldest(backlogSlots, busy)) {
    if (batch.seq >= input.liveFrom) break;
    if (!input.bucket.take(batch.payload.byteLength, input.now)) return { sends, throttled: true };
    sends.push({ batch, lane: 'backlog' });
  }
  return { sends, throttled: false };
}
