import type { AlertingRule } from './alerting.ts';

/** Prometheus' --rules.alert.for-outage-tolerance and --rules.alert.for-grace-period, with their defaults. */
export interface RestoreOptions {
  /** Saved state older than this is not restored: the evaluator was away too long to trust it. */
  readonly outageToleranceMs: number;
  /** After a restart an alert whose `for` has (nearly) run out still waits this long before firing. */
  readonly gracePeriodMs: number;
}

export const DEFAULT_RESTORE: RestoreOptions = { outageToleranceMs: 3_600_000, gracePeriodMs: 600_000 };

/** What an evaluator saved about its active alerts: each one's activeAt by label set, and when it last saved. */
export interface SavedForState {
  /** The last evaluation before the evaluator went down (Prometheus reads it off the last ALERTS_FOR_STATE sample). */
  readonly downAt: number;
  /** activeAt (ms) by the alert's labelsKey. */
  readonly activeAt: ReadonlyMap<string, number>;
}

/**
 * Prometheus' RestoreForState, after the first evaluation following a restart at `ts`: an alert that was pending
 * or firing before goes on from where it was rather than starting its `for` again. It keeps the time it had
 * already spent pending, moved by the downtime; one that had fired, or was about to, gets the grace period first.
 * Rules whose `for` is shorter than the grace period start afresh, as in Prometheus. Returns how many alerts got
 * their state back.
 */
export function restoreForState(rule: AlertingRule, saved: SavedForState, ts: number, opts: RestoreOptions = DEFAULT_RESTORE): number {
  if (rule.forMs <= 0 || rule.forMs < opts.gracePeriodMs) return 0;
  if (ts - saved.downAt > opts.outageToleranceMs) return 0;
  let restored = 0;
  for (const [key, alert] of rule.active) {
    const before = saved.activeAt.get(key);
    if (before === undefined || alert.state !== 'pending') continue;
    const remaining = rule.forMs - (saved.downAt - before);
    alert.activeAt =
      remaining <= 0
        ? before // it was firing: it fires again at the next evaluation
        : remaining < opts.gracePeriodMs
          ? ts + opts.gracePeriodMs - rule.forMs
          : before + (ts - saved.downAt);
    restored++;
  }
  return restored;
}
