import cron from 'node-cron';

/** When a collector or scrape job runs: every interval, at a stable offset, or on a cron expression. */
export type Cadence = { readonly kind: 'interval'; readonly intervalMs: number; readonly offsetMs: number } | { readonly kind: 'cron'; readonly expression: string };

export interface Scheduled {
  stop(): void;
}

export function isValidCron(expression: string): boolean {
  return cron.validate(expression);
}

/**
 * Runs `task(t)` on the cadence, with t the planned time in ms. Interval runs are aligned to
 * `t ≡ offset (mod interval)`: a target's scrapes keep even spacing and different targets spread over the
 * interval, as Prometheus spreads them. A run still busy when the next is due is skipped, not stacked.
 */
export function schedule(cadence: Cadence, task: (t: number) => Promise<void>, now: () => number = Date.now): Scheduled {
  let busy = false;
  const run = (t: number) => {
    if (busy) return;
    busy = true;
    void task(t).finally(() => (busy = false));
  };

  if (cadence.kind === 'cron') {
    const job = cron.schedule(cadence.expression, () => run(now()));
    return { stop: () => void job.stop() };
  }

  const { intervalMs, offsetMs } = cadence;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let last = Number.NaN;
  const next = () => {
    const t = now();
    let due = t - ((((t - offsetMs) % intervalMs) + intervalMs) % intervalMs) + intervalMs;
    // A timer may fire a millisecond early by the wall clock (libuv counts on a monotonic clock): the next slot is
    // then the one just run, and a second run would give every series two samples with one timestamp.
    if (due === last) due += intervalMs;
    last = due;
    timer = setTimeout(() => {
      if (stopped) return;
      run(due);
      next();
    }, Math.max(0, due - t));
  };
  next();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** A stable offset in [0, interval) from a key (FNV-1a), so a target keeps its slot across restarts. */
export function stableOffset(key: string, intervalMs: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % intervalMs;
}
