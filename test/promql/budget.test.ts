import { describe, expect, it } from 'vitest';
import { QueryBudget } from '../../promql/budget.ts';
import { instantQuery, rangeQuery } from '../../promql/engine.ts';
import { QueryError } from '../../promql/errors.ts';
import { memoryStorage } from '../../promql/memory-storage.ts';
import type { Queryable } from '../../promql/queryable.ts';
import { columnsOf } from '../../promql/columns.ts';

const MIN = 60_000;
const T = 1_700_000_000_000;

/** 20 series × 60 samples, one a minute over the hour before T. */
function hourOfData() {
  const q = memoryStorage();
  for (let i = 0; i < 20; i++) {
    for (let m = 1; m <= 60; m++) q.append({ __name__: 'x', i: String(i) }, T - 60 * MIN + m * MIN, m);
  }
  return q;
}

function failure(fn: () => unknown): QueryError {
  try {
    fn();
  } catch (err) {
    if (err instanceof QueryError) return err;
    throw err;
  }
  throw new Error('the query did not fail');
}

describe('QueryBudget', () => {
  it('times out only after the deadline, on its own clock', () => {
    let now = 1000;
    const budget = new QueryBudget({ timeoutMs: 50, maxSamples: 10 }, () => now);
    now = 1050;
    expect(() => budget.check()).not.toThrow();
    now = 1051;
    expect(() => budget.check()).toThrow('query timed out in expression evaluation');
  });

  it('counts samples held and given back', () => {
    const budget = new QueryBudget({ timeoutMs: 1000, maxSamples: 10 });
    budget.take(8);
    budget.release(5);
    budget.take(7);
    expect(() => budget.take(1)).toThrow('query processing would load too many samples into memory in query execution');
  });
});

describe('query limits in the engine', () => {
  it('refuses a selection larger than max samples with Prometheus’ execution error', () => {
    const q = hourOfData();
    // 20 series × 60 samples = 1,200 selected by the range selector.
    expect(instantQuery(q, 'sum(count_over_time(x[1h]))', T, { maxSamples: 1200 + 1 }).value).toMatchObject({ type: 'vector' });
    const err = failure(() => instantQuery(q, 'sum(count_over_time(x[1h]))', T, { maxSamples: 1199 }));
    expect(err.type).toBe('execution');
    expect(err.message).toBe('query processing would load too many samples into memory in query execution');
  });

  it('counts the points a range query keeps in its result', () => {
    const q = hourOfData();
    // 1,200 selected, and 60 of the 61 steps (the first has no sample yet) × 20 series of output.
    const ok = rangeQuery(q, 'x', T - 60 * MIN, T, MIN, { maxSamples: 1200 + 60 * 20 });
    expect(ok.value.type).toBe('matrix');
    expect(failure(() => rangeQuery(q, 'x', T - 60 * MIN, T, MIN, { maxSamples: 1200 + 60 * 20 - 1 })).type).toBe('execution');
  });

  it('gives back a subquery’s points once the function over it is done', () => {
    const q = hourOfData();
    // Peak at the last step: 25 × 20 selected + that step's 10 × 20 subquery points + 10 × 20 output so far = 900.
    // Without giving back, the 11 subqueries alone would hold 2,200 points.
    const query = 'max_over_time(x[10m:1m])';
    expect(rangeQuery(q, query, T - 10 * MIN, T, MIN, { maxSamples: 900 }).value.type).toBe('matrix');
    expect(failure(() => rangeQuery(q, query, T - 10 * MIN, T, MIN, { maxSamples: 899 })).type).toBe('execution');
  });

  it('stops a slow query at its timeout with errorType timeout', () => {
    const slow: Queryable = {
      *select() {
        const until = performance.now() + 30;
        while (performance.now() < until); // storage that takes 30 ms to answer
        yield { labels: { __name__: 'x' }, ...columnsOf([{ t: T - 1000, v: 1, stale: false }]) };
      },
    };
    const err = failure(() => rangeQuery(slow, 'x', T - 10 * MIN, T, MIN, { timeoutMs: 10 }));
    expect(err.type).toBe('timeout');
    expect(err.message).toBe('query timed out in expression evaluation');
    expect(rangeQuery(slow, 'x', T - 10 * MIN, T, MIN, { timeoutMs: 5000 }).value.type).toBe('matrix');
  });
});
