import type { DropEvent, DropReason, QueueLimits } from './queue.ts';

/** What the bounds need to know of a queued batch (its payload can stay on disk). */
export interface BoundEntry {
  readonly seq: number;
  readonly bytes: number;
  readonly queuedAt: number;
  readonly samples: number;
}

export interface PlannedDrop {
  readonly entry: BoundEntry;
  readonly reason: DropReason;
}

/**
 * Which of `entries` (oldest first, any incoming batches last; `count` of them, `totalBytes` in all) must go so
 * that the rest fits `limits` at `now`. Always a run from the oldest, and never the last entry: the newest batch is
 * the one most worth sending, and keeping it means a single oversized batch still gets through.
 * A batch both too old and over the byte bound counts as "age": expiry would have dropped it anyway.
 */
export function planDrops(entries: Iterable<BoundEntry>, count: number, totalBytes: number, now: number, limits: QueueLimits): PlannedDrop[] {
  const out: PlannedDrop[] = [];
  let bytes = totalBytes;
  let left = count;
  for (const entry of entries) {
    if (left <= 1) break;
    const reason: DropReason | undefined =
      now - entry.queuedAt > limits.maxAgeMs ? 'age' : bytes > limits.maxBytes ? 'bytes' : undefined;
    if (reason === undefined) break;
    out.push({ entry, reason });
    bytes -= entry.bytes;
    left--;
  }
  return out;
}

/** Planned drops as events, one per run of the same reason. */
export function dropEvents(drops: readonly PlannedDrop[], at: number, limits: QueueLimits): DropEvent[] {
  const events: DropEvent[] = [];
  let run: PlannedDrop[] = [];
  const close = () => {
    const first = run[0];
    const last = run[run.length - 1];
    if (!first || !last) return;
    events.push({
      reason: first.reason,
      batches: run.length,
      samples: run.reduce((n, d) => n + d.entry.samples, 0),
      bytes: run.reduce((n, d) => n + d.entry.bytes, 0),
      firstSeq: first.entry.seq,
      lastSeq: last.entry.seq,
      seqs: run.map((d) => d.entry.seq),
      from: first.entry.queuedAt,
      to: last.entry.queuedAt,
      at,
      limit: first.reason === 'bytes' ? limits.maxBytes : limits.maxAgeMs,
    });
    run = [];
  };
  for (const d of drops) {
    if (run.length > 0 && run[0]?.reason !== d.reason) close();
    run.push(d);
  }
  close();
  return events;
}

/** Dropped batches and samples by reason, as QueueStats reports them. */
export interface DropTally {
  readonly batches: Record<DropReason, number>;
  readonly samples: Record<DropReason, number>;
  add(e: DropEvent): void;
}

export function dropTally(): DropTally {
  const batches = { bytes: 0, age: 0 };
  const samples = { bytes: 0, age: 0 };
  return {
    batches,
    samples,
    add(e) {
      batches[e.reason] += e.batches;
      samples[e.reason] += e.samples;
    },
  };
}

/** Limits with whatever was left out unbounded. */
export function limitsOf(partial: Partial<QueueLimits> | undefined): QueueLimits {
  return { maxBytes: partial?.maxBytes ?? Infinity, maxAgeMs: partial?.maxAgeMs ?? Infinity };
}
