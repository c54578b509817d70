import { QueryError } from './errors.ts';

/** Prometheus' --query.timeout and --query.max-samples, with its defaults. */
export interface QueryLimits {
  readonly timeoutMs: number;
  /** Samples a query may hold in memory at once: selected from storage, kept in results and subqueries. */
  readonly maxSamples: number;
}

export const DEFAULT_LIMITS: QueryLimits = { timeoutMs: 2 * 60_000, maxSamples: 50_000_000 };

/**
 * What one query may spend. The evaluator is synchronous, so it cannot be interrupted from outside: it calls
 * `check()` at each step and every few thousand series, and counts samples as it materialises them. A query over a
 * limit fails with Prometheus' own error instead of blocking the process or exhausting its memory.
 */
export class QueryBudget {
  private samples = 0;
  private readonly deadline: number;

  constructor(
    private readonly limits: QueryLimits,
    private readonly clock: () => number = performance.now.bind(performance),
  ) {
    this.deadline = clock() + limits.timeoutMs;
  }

  check(): void {
    if (this.clock() > this.deadline) throw new QueryError('timeout', 'query timed out in expression evaluation');
  }

  /** Counts n more samples held; throws when the total goes over the limit. */
  take(n: number): void {
    this.samples += n;
    if (this.samples > this.limits.maxSamples) {
      throw new QueryError('execution', 'query processing would load too many samples into memory in query execution');
    }
  }

  /** Gives back samples no longer held (a subquery's points once its step is done). */
  release(n: number): void {
    this.samples -= n;
  }
}
