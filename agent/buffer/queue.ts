/** A batch waiting in the agent's queue until the aggregator acknowledges it end to end. */
export interface QueuedBatch {
  readonly seq: number;
  readonly payload: Uint8Array;
  /** When it was queued, ms since epoch. */
  readonly queuedAt: number;
}

export interface QueueStats {
  /** Batches waiting for an ack. */
  readonly batches: number;
  readonly bytes: number;
  /** Batches ever queued, across restarts: the next sequence number. */
  readonly created: number;
}

/**
 * The agent's store-and-forward queue. Every implementation passes test/agent/buffer/queue-contract.ts.
 * Sequence numbers are assigned here so that "numbered" and "stored" happen in one commit: a restart can never
 * reuse a number the aggregator has already seen.
 */
export interface BatchQueue {
  /** Takes the next sequence number, builds the payload for it and resolves once both are durable. */
  enqueue(build: (seq: number) => Uint8Array, now: number): Promise<QueuedBatch>;
  /** Queued batches in sequence order (oldest first), at most `limit`, skipping the `exclude`d seqs. */
  oldest(limit: number, exclude?: ReadonlySet<number>): QueuedBatch[];
  /** Drops a batch once acknowledged; removing an absent seq is a no-op (acks can repeat). */
  remove(seq: number): Promise<void>;
  stats(): QueueStats;
  close(): Promise<void>;
}
