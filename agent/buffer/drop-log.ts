import { formatDurationMs } from '../../promql/duration.ts';
import type { Logger } from '../../protocol/log.ts';
import { formatByteSize } from '../config/byte-size.ts';
import type { DropEvent, DropReason } from './queue.ts';

export interface DropLogOptions {
  /** Drops further apart than this are separate episodes. */
  readonly quietMs?: number;
  /** During a long episode, what was dropped since the last line is logged this often. */
  readonly summaryEveryMs?: number;
}

export interface DropLog {
  /** Pass every DropEvent of the queue here (its `onDrop`). */
  record(e: DropEvent): void;
  /** Call now and then (each collection tick): closes episodes that have gone quiet. */
  settle(now: number): void;
}

interface Pending {
  batches: number;
  samples: number;
  firstSeq: number;
  lastSeq: number;
  from: number;
  to: number;
}

interface Episode {
  /** The bound as the episode's first drop stated it. */
  limit: number;
  lastDropAt: number;
  loggedAt: number;
  pending: Pending | undefined;
}

/**
 * Logs the queue's drops per episode rather than per batch: a full queue on a dead link drops a batch every
 * interval for days. The first drop of an episode is logged at once; what follows is summed up in one line when the
 * episode ends, and every `summaryEveryMs` while it lasts. Counting is the queue's job (its stats); this only talks.
 */
export function createDropLog(log: Logger, opts: DropLogOptions = {}): DropLog {
  const quietMs = opts.quietMs ?? 5 * 60_000;
  const summaryEveryMs = opts.summaryEveryMs ?? 60 * 60_000;
  const episodes: Partial<Record<DropReason, Episode>> = {};

  const bound = (reason: DropReason, limit: number) =>
    reason === 'bytes' ? `queue full (${formatByteSize(limit)})` : `queue holds batches older than ${formatDurationMs(limit)}`;
  const what = (p: Pending, more: string) =>
    `dropped ${p.batches} ${more}oldest ${p.batches === 1 ? 'batch' : 'batches'} with ${p.samples} samples ` +
    `(seq ${range(p.firstSeq, p.lastSeq, '–')}, queued ${range(iso(p.from), iso(p.to), ' – ')})`;
  const flush = (reason: DropReason, ep: Episode, at: number) => {
    if (!ep.pending) return;
    log.warn(`${bound(reason, ep.limit)}, still: ${what(ep.pending, 'more ')}`);
    ep.pending = undefined;
    ep.loggedAt = at;
  };

  return {
    record(e) {
      let ep = episodes[e.reason];
      if (ep && e.at - ep.lastDropAt >= quietMs) {
        flush(e.reason, ep, e.at);
        ep = undefined;
      }
      if (!ep) {
        log.warn(`${bound(e.reason, e.limit)}: ${what(e, '')}`);
        episodes[e.reason] = { limit: e.limit, lastDropAt: e.at, loggedAt: e.at, pending: undefined };
        return;
      }
      const p = ep.pending;
      ep.pending = p
        ? { batches: p.batches + e.batches, samples: p.samples + e.samples, firstSeq: p.firstSeq, lastSeq: e.lastSeq, from: p.from, to: e.to }
        : { batches: e.batches, samples: e.samples, firstSeq: e.firstSeq, lastSeq: e.lastSeq, from: e.from, to: e.to };
      ep.lastDropAt = e.at;
      if (e.at - ep.loggedAt >= summaryEveryMs) flush(e.reason, ep, e.at);
    },
    settle(now) {
      for (const reason of ['bytes', 'age'] as const) {
        const ep = episodes[reason];
        if (!ep || now - ep.lastDropAt < quietMs) continue;
        flush(reason, ep, now);
        delete episodes[reason];
      }
    },
  };
}

function range<T>(a: T, b: T, dash: string): string {
  return a === b ? String(a) : `${a}${dash}${b}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
