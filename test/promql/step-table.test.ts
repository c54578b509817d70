import { describe, expect, it } from 'vitest';
import { instantQuery, rangeQuery } from '../../promql/engine.ts';
import { RANGE_KERNELS } from '../../promql/functions/registry.ts';
import { memoryStorage } from '../../promql/memory-storage.ts';
import { pointsOf, type Value } from '../../promql/value.ts';
import { labelsKey } from '../../protocol/labels.ts';

const S = 1000;
const MIN = 60 * S;
const T0 = 1_700_000_000_000;

/**
 * Counters with resets, gauges with NaN and a gap, a staleness marker in the middle, jittered timestamps: what
 * the windows of a step table must slide over exactly as step-by-step evaluation does.
 */
function storage() {
  const s = memoryStorage();
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (const host of ['a', 'b', 'c']) {
    let counter = 0;
    for (let i = 0; i < 240; i++) {
      const t = T0 + i * 15 * S + Math.floor(rnd() * 3000);
      counter = rnd() < 0.03 ? rnd() * 10 : counter + rnd() * 100;
      s.append({ __name__: 'req_total', host }, t, counter);
      if (i >= 100 && i < 120) continue; // a gap longer than the lookback
      s.append({ __name__: 'temp', host }, t, i % 50 === 7 ? NaN : 20 + rnd() * 5);
      if (host === 'b' && i === 150) s.append({ __name__: 'temp', host }, t + 1, 0, true);
    }
  }
  return s;
}

/** The range query's result as {series key → [[t, v]]}, and the same assembled from one instant query per step. */
function bothWays(query: string, start: number, end: number, step: number) {
  const q = storage();
  const value = rangeQuery(q, query, start, end, step).value;
  const viaRange: Record<string, [number, number][]> = {};
  if (value.type === 'matrix') for (const s of value.matrix) viaRange[labelsKey(s.metric)] = pointsOf(s).map((p) => [p.t, p.v]);
  const viaInstants: Record<string, [number, number][]> = {};
  for (let t = start; t <= end; t += step) {
    const v: Value = instantQuery(q, query, t).value;
    const samples = v.type === 'vector' ? v.vector : v.type === 'scalar' ? [{ metric: {}, point: { t, v: v.v } }] : [];
    for (const x of samples) (viaInstants[labelsKey(x.metric)] ??= []).push([t, x.point.v]);
  }
  return { viaRange, viaInstants };
}

describe('range functions over a selector, computed for all steps at once', () => {
  const start = T0 + 5 * MIN;
  const end = T0 + 55 * MIN;
  const call = (name: string, sel: string) => {
    const kernel = RANGE_KERNELS[name]!;
    const args = ['0.3', sel, '0.5'].slice(kernel.matrixIndex === 1 ? 0 : 1);
    if (name === 'predict_linear') return `${name}(${sel}, 600)`;
    if (name === 'double_exponential_smoothing') return `${name}(${sel}, 0.5, 0.3)`;
    return `${name}(${args.slice(0, kernel.matrixIndex + 1).join(', ')})`;
  };

  for (const name of Object.keys(RANGE_KERNELS)) {
    it(`${name}() gives at every step what an instant query at that step gives`, () => {
      for (const sel of ['req_total[5m]', 'temp[2m]', 'temp[3m] offset 4m', 'req_total[10m] @ 1700001800']) {
        for (const step of [15 * S, 60 * S, 7 * S]) {
          const { viaRange, viaInstants } = bothWays(call(name, sel), start, end, step);
          expect(Object.keys(viaRange).length, `${call(name, sel)} step ${step}`).toBeGreaterThan(0);
          expect(viaRange, `${call(name, sel)} step ${step}`).toEqual(viaInstants);
        }
      }
    });
  }

  it('inside aggregations and binary operations, and with a step not dividing the range', () => {
    for (const query of ['sum by (host) (rate(req_total[5m]))', 'max_over_time(temp[5m]) - min_over_time(temp[5m])', 'rate(req_total[1m]) / on (host) avg_over_time(temp[2m])']) {
      const { viaRange, viaInstants } = bothWays(query, start + 3 * S, end, 13 * S);
      expect(viaRange, query).toEqual(viaInstants);
    }
  });

  it('says what step-by-step evaluation says: the info on rate() of a gauge, the warning of quantile_over_time', () => {
    const q = storage();
    for (const query of ['rate(temp[5m])', 'quantile_over_time(1.5, temp[5m])']) {
      const range = rangeQuery(q, query, start, end, MIN).annotations;
      const instant = instantQuery(q, query, start).annotations;
      expect([...range.infos, ...range.warnings], query).toEqual([...instant.infos, ...instant.warnings]);
      expect(range.infos.size + range.warnings.size, query).toBe(1);
    }
  });

  it('folds every aggregation without a parameter straight from the table, as over the vector', () => {
    for (const op of ['sum', 'avg', 'count', 'min', 'max', 'group', 'stddev', 'stdvar']) {
      for (const query of [`${op} by (host) (rate(req_total[5m]))`, `${op}((avg_over_time(temp[2m])))`, `${op} without (host) (last_over_time(temp[1m]))`]) {
        const { viaRange, viaInstants } = bothWays(query, start, end, 30 * S);
        expect(Object.keys(viaRange).length, query).toBeGreaterThan(0);
        expect(viaRange, query).toEqual(viaInstants);
      }
    }
  });

  it('fails like step-by-step evaluation when dropping the name makes two series equal at one step', () => {
    const q = memoryStorage();
    for (let i = 0; i < 20; i++) {
      q.append({ __name__: 'x_total', job: 'j' }, T0 + i * 15 * S, i);
      q.append({ __name__: 'y_total', job: 'j' }, T0 + i * 15 * S, 2 * i);
    }
    expect(() => rangeQuery(q, 'rate({job="j"}[1m])', T0 + MIN, T0 + 4 * MIN, 15 * S)).toThrow('vector cannot contain metrics with the same labelset');
  });
});
