/** Paces the backlog lane to a number of payload bytes per second. */
export interface TokenBucket {
  /** Takes `bytes` and says yes when the bucket is not in debt at `now`; says no and takes nothing otherwise. */
  take(bytes: number, now: number): boolean;
  /** Ms from `now` until take() says yes again; 0 when it would now. */
  waitMs(now: number): number;
}

/**
 * A token bucket without burst: it fills at `bytesPerSec` up to zero, and a batch may go whenever the level is not
 * below zero, taking its full size (possibly into debt, so a batch larger than a second's worth still goes). Over
 * any span of T seconds that starts with the bucket full, at most `bytesPerSec × T` bytes plus one batch go out:
 * a reconnecting fleet adds a known load to the aggregator rather than a burst. `bytesPerSec` 0 means no cap.
 */
export function tokenBucket(bytesPerSec: number): TokenBucket {
  if (bytesPerSec <= 0 || !Number.isFinite(bytesPerSec)) return { take: () => true, waitMs: () => 0 };
  let level = 0;
  let at: number | undefined;
  const fill = (now: number) => {
    // A clock that steps back (NTP) must not create debt out of nothing, nor tokens.
    if (at !== undefined && now > at) level = Math.min(0, level + ((now - at) * bytesPerSec) / 1000);
    at = Math.max(at ?? now, now);
  };
  return {
    take(bytes, now) {
      fill(now);
      if (level < 0) return false;
      level -= bytes;
      return true;
    },
    waitMs(now) {
      fill(now);
      return level < 0 ? Math.ceil((-level * 1000) / bytesPerSec) : 0;
    },
  };
}
