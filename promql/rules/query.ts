import { instantQuery, type EngineOptions } from '../engine.ts';
import { QueryError } from '../errors.ts';
import type { Queryable } from '../queryable.ts';
import type { QueryFunc } from './rule.ts';

/**
 * Rules' QueryFunc over a storage, as Prometheus' EngineQueryFunc: a vector as it is, a scalar as one sample
 * without labels, anything else an error.
 */
export function engineQueryFunc(storage: Queryable, opts: Partial<EngineOptions> = {}): QueryFunc {
  return (expr, t) => {
    const { value } = instantQuery(storage, expr, t, opts);
    switch (value.type) {
      case 'vector':
        return value.vector.map((s) => ({ labels: s.metric, t, v: s.point.v }));
      case 'scalar':
        return [{ labels: {}, t, v: value.v }];
      default:
        throw new QueryError('execution', 'rule result is not a vector or scalar');
    }
  };
}
