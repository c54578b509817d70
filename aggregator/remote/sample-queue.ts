import type { Labels } from '../../protocol/labels.ts';

/** A sample waiting to be sent, with its series' canonical key (labelsKey) for grouping. */
export interface QueuedSample {
  readonly labels: Labels;
  readonly key: string;
  readonly t: number;
  readonly v: number;
  readonly stale: boolean;
}

/** A fixed-size ring of samples, oldest first. Pushing into a full ring drops its oldest sample. */
export interface SampleQueue {
  readonly length: number;
  /** Returns true when the oldest sample was dropped to make room. */
  push(s: QueuedSample): boolean;
  /** Removes and returns up to `n` samples, oldest first. */
  take(n: number): QueuedSample[];
}

export function createSampleQueue(capacity: number): SampleQueue {
  const ring: (QueuedSample | undefined)[] = new Array(capacity);
  let head = 0;
  let length = 0;
  return {
    get length() {
      return length;
    },
    push(s) {
      const dropped = length === capacity;
      ring[(head + length - (dropped ? 1 : 0)) % capacity] = s;
      if (dropped) head = (head + 1) % capacity;
      else length++;
      return dropped;
    },
    take(n) {
      const out: QueuedSample[] = [];
      while (out.length < n && length > 0) {
        out.push(ring[head] as QueuedSample);
        ring[head] = undefined;
        head = (head + 1) % capacity;
        length--;
      }
      return out;
    },
  };
}
