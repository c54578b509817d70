export interface BackoffPolicy {
  readonly minMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { minMs: 1_000, maxMs: 60_000 };

/**
 * Exponential backoff with "full jitter" between half and all of the capped delay, so a fleet that lost the
 * aggregator at the same moment does not reconnect in lockstep.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random = Math.random): number {
  const capped = Math.min(policy.maxMs, policy.minMs * 2 ** Math.min(attempt, 30));
  return Math.round(capped / 2 + (random() * capped) / 2);
}
