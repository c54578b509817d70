/** A batch waiting in the agent's queue until the aggregator acknowledges it end to end. */
export interface QueuedBatch {
  readonly seq: number;
  readonly payload: Uint8Array;
  /** When it was queued, ms since epoch. */
  readonly queuedAt: number;
  /** Samples in the payload, so that a dropped batch can be counted in samples too. */
  readonly samples: number;
}

/** What made a queue drop its oldest batches. */
export type DropReason = 'bytes' | 'age';
export const DROP_REASONS: readonly DropReason[] = ['bytes', 'age'];

/** How much a queue may hold: payload bytes, and how long a batch may wait for its ack. */
export interface QueueLimits {
  readonly maxBytes: number;
  readonly maxAgeMs: number;
}

/** One enqueue or expiry that dropped batches: always the oldest ones, a run of consecutive seqs. */
export interface DropEvent {
  readonly reason: DropReason;
  readonly batches: number;
  readonly samples: number;
  readonly bytes: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  /** Every seq dropped, ascending: firstSeq to lastSeq without the ones acked (removed) before the drop. */
  readonly seqs: readonly number[];
  /** queuedAt of the first and of the last batch dropped. */
  readonly from: number;
  readonly to: number;
  /** When the drop happened (the `now` of the enqueue or expiry). */
  readonly at: number;
  /** The bound that was exceeded: maxBytes or maxAgeMs of the queue that dropped. */
  readonly limit: number;
}

export interface QueueStats {
  /** Batches waiting for an ack. */
  readonly batches: number;
  readonly bytes: number;
  /** Batches ever numbered, across restarts: the next sequence number. */
  readonly created: number;
  /** queuedAt of the oldest batch; undefined when the queue is empty. */
  readonly oldestQueuedAt: number | undefined;
  /** Batches and samples dropped to stay within the limits since the queue was opened. */
  readonly droppedBatches: Readonly<Record<DropReason, number>>;
  readonly droppedSamples: Readonly<Record<DropReason, number>>;
  /** Whether a batch queued now survives a restart of the agent. */
  readonly durable: boolean;
}

/**
 * The agent's store-and-forward queue. Every implementation passes test/agent/buffer/queue-contract.ts.
 * Sequence numbers are assigned here so that "numbered" and "stored" happen in one commit: a restart can never
 * reuse a number the aggregator has already seen.
 *
 * Bounds: the queue never holds more than `maxBytes` of payload nor batches older than `maxAgeMs`, except that the
 * newest batch is always kept. To stay within them it drops the oldest batches, in the same commit as the enqueue
 * that needed the room, and reports each drop (counted in stats, passed to the implementation's `onDrop`).
 */
export interface BatchQueue {
  /** Takes the next sequence number, builds the payload for it and resolves once both are durable. */
  enqueue(build: (seq: number) => Uint8Array, now: number, samples?: number): Promise<QueuedBatch>;
  /** Drops batches queued more than `maxAgeMs` before `now` (the newest is kept); run periodically. */
  expire(now: number): Promise<void>;
  /** Queued batches in sequence order (oldest first), at most `limit`, skipping the `exclude`d seqs. */
  oldest(limit: number, exclude?: ReadonlySet<number>): QueuedBatch[];
  /**
   * Queued batches numbered `seq` or above, in sequence order, at most `limit`, skipping the `exclude`d seqs: with
   * `seq` taken from `stats().created` earlier, the batches queued since then (numbers only grow).
   */
  since(seq: number, limit: number, exclude?: ReadonlySet<number>): QueuedBatch[];
  /** Drops a batch once acknowledged; removing an absent seq is a no-op (acks can repeat). */
  remove(seq: number): Promise<void>;
  stats(): QueueStats;
  close(): Promise<void>;
}

/**
 * A queue on disk that a stand-in (agent/buffer/fallback-queue.ts) can number for while the disk cannot be
 * written, and that later takes the stand-in's batches over with their numbers.
 */
export interface DurableQueue extends BatchQueue {
  /** Hands out the next sequence number, at least `atLeast`, without storing anything. */
  takeSeq(atLeast?: number): number;
  /** Every number below this is reserved on disk: after any restart, numbering resumes at or above it. */
  reservedSeq(): number;
  /**
   * Stores batches numbered elsewhere, keeping their seqs (all above the queued ones, oldest first), in one commit
   * with the drops the limits need; afterwards numbering continues at or above `nextSeq`.
   */
  adopt(batches: readonly QueuedBatch[], nextSeq: number, now: number): Promise<void>;
}
