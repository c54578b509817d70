import { describe, expect, it } from 'vitest';
import { instantQuery, rangeQuery } from '../../promql/engine.ts';
import { memoryStorage } from '../../promql/memory-storage.ts';

const MIN = 60_000;
const T0 = 1_700_000_000_000;

/** `phi` takes a different value each minute; `x` has three series. */
function storage(phis: readonly number[]) {
  const q = memoryStorage();
  phis.forEach((v, i) => q.append({ __name__: 'phi' }, T0 + i * MIN, v));
  for (let i = 0; i < phis.length; i++) for (const host of ['a', 'b', 'c']) q.append({ __name__: 'x', host }, T0 + i * MIN, i + host.charCodeAt(0));
  return q;
}

describe("an aggregation's parameter in a range query, checked once over all steps as Prometheus does", () => {
  it('warns about the largest and the smallest out-of-range quantile only', () => {
    const q = storage([0.5, 1.5, 2, -0.1, -0.3]);
    const { annotations } = rangeQuery(q, 'quantile(scalar(phi), x)', T0, T0 + 4 * MIN, MIN);
    expect([...annotations.warnings].sort()).toEqual(['PromQL warning: quantile value should be between 0 and 1, got -0.3', 'PromQL warning: quantile value should be between 0 and 1, got 2']);
    // An instant query checks its one value.
    expect([...instantQuery(q, 'quantile(scalar(phi), x)', T0 + 3 * MIN).annotations.warnings]).toEqual(['PromQL warning: quantile value should be between 0 and 1, got -0.1']);
  });

  it('fails the whole range query when k is NaN at any step, and takes each step’s own k otherwise', () => {
    expect(() => rangeQuery(storage([1, 2, NaN]), 'topk(scalar(phi), x)', T0, T0 + 2 * MIN, MIN)).toThrow(/NaN/);
    const { value } = rangeQuery(storage([1, 2, 3]), 'count(topk(scalar(phi), x))', T0, T0 + 2 * MIN, MIN);
    expect(value.type === 'matrix' && Array.from(value.matrix[0]?.vs ?? [])).toEqual([1, 2, 3]);
  });

  it('inside a subquery, each of its steps checks its own parameter', () => {
    const q = storage([0.5, 1.5, 2, 0.5, 0.5]);
    const { annotations } = rangeQuery(q, 'max_over_time(quantile(scalar(phi), x)[1m:1m])', T0 + 3 * MIN, T0 + 4 * MIN, MIN);
    expect([...annotations.warnings]).toEqual(['PromQL warning: quantile value should be between 0 and 1, got 2']);
  });
});
