import type { DropEvent } from '../buffer/queue.ts';

/**
 * The seqs the queue dropped, remembered so that an ack for one of them counts once as "dropped, yet delivered":
 * a batch can be dropped while it is in flight, or while a broker holds a copy for an aggregator that is away,
 * and then be stored after all. With that count the agent's figures are exact: batches the aggregator is missing
 * = batches dropped − dropped batches delivered.
 */
export interface DroppedSeqs {
  /** Pass every DropEvent of the queue here (its `onDrop`). */
  record(e: DropEvent): void;
  /** True the first time for a seq that was dropped (it is forgotten then), false otherwise. */
  delivered(seq: number): boolean;
  /** Runs of consecutive seqs remembered. */
  ranges(): number;
}

/** Drops are runs of consecutive seqs, so they are kept as ranges: a week of drops is usually a handful. */
export const DEFAULT_MAX_RANGES = 10_000;

/**
 * Bounded at `maxRanges` runs; past it the lowest are forgotten, and an ack for one of those goes uncounted (a
 * batch that old was dropped long ago and is the least likely to be stored late). Not kept across restarts.
 */
export function droppedSeqs(maxRanges = DEFAULT_MAX_RANGES): DroppedSeqs {
  // Disjoint, ascending, never adjacent: [lo, hi] inclusive.
  const ranges: [number, number][] = [];

  /** Index of the first range whose hi is ≥ seq (ranges.length if none). */
  const search = (seq: number) => {
    let lo = 0;
    let hi = ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((ranges[mid] as [number, number])[1] < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  const add = (seq: number) => {
    const i = search(seq);
    const next = ranges[i];
    const prev = ranges[i - 1];
    if (next && next[0] <= seq) return;
    const joinsPrev = prev !== undefined && prev[1] === seq - 1;
    const joinsNext = next !== undefined && next[0] === seq + 1;
    if (joinsPrev && joinsNext) {
      prev[1] = next[1];
      ranges.splice(i, 1);
    } else if (joinsPrev) prev[1] = seq;
    else if (joinsNext) next[0] = seq;
    else ranges.splice(i, 0, [seq, seq]);
  };

  const trim = () => {
    if (ranges.length > maxRanges) ranges.splice(0, ranges.length - maxRanges);
  };

  return {
    record(e) {
      for (const seq of e.seqs) add(seq);
      trim();
    },
    delivered(seq) {
      const i = search(seq);
      const r = ranges[i];
      if (!r || r[0] > seq) return false;
      const [lo, hi] = r;
      const parts: [number, number][] = [];
      if (lo < seq) parts.push([lo, seq - 1]);
      if (seq < hi) parts.push([seq + 1, hi]);
      ranges.splice(i, 1, ...parts);
      trim();
      return true;
    },
    ranges: () => ranges.length,
  };
}
