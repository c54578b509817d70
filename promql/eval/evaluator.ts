import { labelsKey, type Labels } from '../../protocol/labels.ts';
import { aggregate } from '../aggregate.ts';
import { operands, type AggregateOp, type Expr, type VectorSelector } from '../ast.ts';
import type { QueryBudget } from '../budget.ts';
import { QueryError } from '../errors.ts';
import { compareLabels } from '../functions/misc.ts';
import { unwrapParens } from '../functions/common.ts';
import { FUNCTIONS, RANGE_KERNELS } from '../functions/registry.ts';
import { operandPos } from '../position.ts';
import type { Queryable, SelectedSeries } from '../queryable.ts';
import { rangeSeries, type Annotations, type Matrix, type Point, type Value, type Vector } from '../value.ts';
import { isComparison, isSetOperator, setOperation, vectorScalar, vectorVector, floatOp, withoutName } from './binary.ts';
import { Selection } from './selectors.ts';
import { StepTable } from './step-table.ts';
import { atTime, selectorWindows, type Window } from './windows.ts';

export interface EvalSettings {
  readonly start: number;
  readonly end: number;
  /** The range query's step (0 for an instant query): what step() returns. */
  readonly step: number;
  /** Default step of subqueries without one (Prometheus: the global evaluation interval). */
  readonly subqueryStepMs: number;
  readonly lookbackMs: number;
  readonly annotations: Annotations;
  readonly budget: QueryBudget;
}

/**
 * Evaluates an expression one step at a time. Storage is read once per selector for the whole query (see
 * windows.ts); each step then only slices those samples.
 */
export function createEvaluator(q: Queryable, root: Expr, s: EvalSettings): (t: number) => Value {
  const windows = selectorWindows(root, s.start, s.end, s.lookbackMs);
  const selected = new Map<VectorSelector, Selection>();
  const selectionOf = (sel: VectorSelector): Selection => {
    let selection = selected.get(sel);
    if (!selection) {
      const w = windows.get(sel) as Window;
      const series: SelectedSeries[] = [];
      // Selected samples stay in memory for the whole query: they count against its budget.
      for (const one of q.select(sel.matchers, w.mint, w.maxt)) {
        s.budget.take(one.ts.length);
        if (series.push(one) % 1000 === 0) s.budget.check();
      }
      // In label order, as Prometheus' sorted selects return them: results come out in the order clients expect.
      series.sort((a, b) => compareLabels(a.labels, b.labels));
      selected.set(sel, (selection = new Selection(series)));
    }
    return selection;
  };
  const at = (e: { at?: Parameters<typeof atTime>[0] }, t: number) => atTime(e.at, t, s.start, s.end);

  // Prometheus checks an aggregation's parameter (topk's k, quantile's φ) once over all the steps it is evaluated
  // at: the query's steps, unless the aggregation sits inside a subquery (then each step stands for itself).
  const insideSubqueries = nodesInsideSubqueries(root);
  const paramSteps = new Map<Extract<Expr, { kind: 'aggregate' }>, number[] | undefined>();
  const paramStepsOf = (e: Extract<Expr, { kind: 'aggregate' }>): number[] | undefined => {
    if (steps === undefined || e.param === undefined || insideSubqueries.has(e)) return undefined;
    if (!paramSteps.has(e)) {
      const values: number[] = [];
      for (let k = 0; k < steps.count; k++) {
        const v = evalAt(e.param, steps.start + k * steps.step);
        if (v.type === 'scalar') values.push(v.v);
      }
      paramSteps.set(e, values.length === steps.count ? values : undefined);
    }
    return paramSteps.get(e);
  };

  // A range query computes range functions of a selector for all its steps at once (step-table.ts).
  const steps = s.step > 0 && s.end > s.start ? { start: s.start, step: s.step, count: Math.floor((s.end - s.start) / s.step) + 1 } : undefined;
  const tables = new Map<Extract<Expr, { kind: 'call' }>, StepTable | undefined>();
  const stepTableOf = (e: Extract<Expr, { kind: 'call' }>): StepTable | undefined => {
    if (steps === undefined) return undefined;
    if (tables.has(e)) return tables.get(e);
    const kernel = RANGE_KERNELS[e.func];
    const ms = kernel && e.args[kernel.matrixIndex];
    const table =
      kernel && ms?.kind === 'matrix_selector'
        ? StepTable.build(
            e,
            kernel,
            selectionOf(ms.selector),
            steps,
            (t) => e.args.map((a, i) => (i === kernel.matrixIndex ? NO_SERIES : evalAt(a, t))),
            (m, t) => at(m.selector, t) - m.selector.offsetMs,
            s.annotations,
          )
        : undefined;
    tables.set(e, table);
    return table;
  };

  const evalAt = (e: Expr, t: number): Value => {
    switch (e.kind) {
      case 'number':
        return { type: 'scalar', t, v: e.value };
      case 'string':
        return { type: 'string', t, v: e.value };
      case 'paren':
        return evalAt(e.expr, t);
      case 'unary': {
        const v = evalAt(e.expr, t);
        if (e.op === '+') return v;
        if (v.type === 'scalar') return { type: 'scalar', t, v: -v.v };
        if (v.type === 'vector') return vector(v.vector.map((x) => ({ metric: withoutName(x.metric), point: { t, v: -x.point.v } })));
        throw new QueryError('execution', `unary minus is not defined for a ${v.type}`);
      }
      case 'vector_selector':
        return { type: 'vector', vector: selectionOf(e).instant(at(e, t) - e.offsetMs, t, s.lookbackMs) };
      case 'matrix_selector':
        return { type: 'matrix', matrix: selectionOf(e.selector).range(at(e.selector, t) - e.selector.offsetMs, e.rangeMs) };
      case 'subquery':
        return { type: 'matrix', matrix: subquery(e, t) };
      case 'call': {
        // The query's own bounds, fixed for the whole query, in seconds as Prometheus returns them.
        const bound = QUERY_BOUNDS[e.func];
        if (bound) return { type: 'scalar', t, v: bound(s) / 1000 };
        const table = stepTableOf(e);
        const fromTable = table?.at(t);
        if (fromTable) return { type: 'vector', vector: fromTable };
        const impl = FUNCTIONS[e.func];
        if (!impl) throw new QueryError('execution', `function "${e.func}" is not supported`);
        const args = e.args.map((a) => evalAt(a, t));
        const out = impl(args, { t, annotations: s.annotations, argExprs: e.args });
        // A subquery's points live only until the function over them is done.
        e.args.forEach((a, i) => a.kind === 'subquery' && s.budget.release(pointCount(args[i] as Value)));
        return out.type === 'vector' ? vector(out.vector) : out;
      }
      case 'aggregate': {
        // sum(rate(x[5m])) and the like in a range query: folded straight from the step table of the call.
        const inner = unwrapParens(e.expr);
        const folded = !e.param && FOLDABLE.has(e.op) && inner?.kind === 'call' ? stepTableOf(inner)?.aggregateAt(t, e.op, e.grouping, e.without) : undefined;
        if (folded) return { type: 'vector', vector: folded };
        const operand = evalAt(e.expr, t);
        if (operand.type !== 'vector') throw new QueryError('execution', `aggregation needs an instant vector, got ${operand.type}`);
        const p = e.param ? evalAt(e.param, t) : undefined;
        const param = p?.type === 'scalar' || p?.type === 'string' ? p.v : undefined;
        const paramPos = e.param ? operandPos(e.param) : undefined;
        const paramSteps = typeof param === 'number' ? paramStepsOf(e) : undefined;
        return {
          type: 'vector',
          vector: aggregate({
            op: e.op,
            vector: operand.vector,
            ...(param !== undefined ? { param } : {}),
            ...(paramPos !== undefined ? { paramPos } : {}),
            ...(paramSteps !== undefined ? { paramSteps } : {}),
            grouping: e.grouping,
            without: e.without,
            t,
            annotations: s.annotations,
          }),
        };
      }
      case 'binary': {
        const l = evalAt(e.lhs, t);
        const r = evalAt(e.rhs, t);
        if (l.type === 'scalar' && r.type === 'scalar') {
          const { v, keep } = floatOp(e.op, l.v, r.v);
          return { type: 'scalar', t, v: isComparison(e.op) ? (keep ? 1 : 0) : v };
        }
        if (l.type === 'vector' && r.type === 'scalar') return vector(vectorScalar(e.op, l.vector, r.v, false, e.returnBool, t));
        if (l.type === 'scalar' && r.type === 'vector') return vector(vectorScalar(e.op, r.vector, l.v, true, e.returnBool, t));
        if (l.type === 'vector' && r.type === 'vector' && e.matching) {
          if (isSetOperator(e.op)) return { type: 'vector', vector: setOperation(e.op, l.vector, r.vector, e.matching) };
          return vector(vectorVector(e.op, l.vector, r.vector, e.matching, e.returnBool, t));
        }
        throw new QueryError('execution', `binary operator "${e.op}" between ${l.type} and ${r.type} is not defined`);
      }
    }
  };

  /** Evaluates the inner expression at its own steps in (te - range, te], aligned to multiples of the step. */
  function subquery(e: Extract<Expr, { kind: 'subquery' }>, t: number): Matrix {
    const step = e.stepMs ?? s.subqueryStepMs;
    const te = at(e, t) - e.offsetMs;
    const from = te - e.rangeMs;
    let first = Math.floor(from / step) * step;
    if (first <= from) first += step;
    const bySeries = new Map<string, { metric: Labels; points: Point[] }>();
    for (let ti = first; ti <= te; ti += step) {
      s.budget.check();
      const v = evalAt(e.expr, ti);
      const samples: Vector = v.type === 'vector' ? v.vector : v.type === 'scalar' ? [{ metric: {}, point: { t: ti, v: v.v } }] : [];
      for (const x of samples) {
        const key = labelsKey(x.metric);
        let entry = bySeries.get(key);
        if (!entry) bySeries.set(key, (entry = { metric: x.metric, points: [] }));
        entry.points.push({ t: ti, v: x.point.v });
      }
      s.budget.take(samples.length);
    }
    return [...bySeries.values()].map((x) => rangeSeries(x.metric, x.points));
  }

  return (t) => evalAt(root, t);
}

/** Every node below a subquery: evaluated at the subquery's steps rather than the query's. */
function nodesInsideSubqueries(root: Expr): Set<Expr> {
  const inside = new Set<Expr>();
  const walk = (e: Expr, under: boolean): void => {
    if (under) inside.add(e);
    for (const operand of operands(e)) walk(operand, under || e.kind === 'subquery');
  };
  walk(root, false);
  return inside;
}

/** Aggregations without a parameter, which a step table can fold at a step. */
const FOLDABLE: ReadonlySet<AggregateOp> = new Set(['sum', 'avg', 'count', 'min', 'max', 'group', 'stddev', 'stdvar']);

/** What a step table passes in place of the range vector argument: the kernel reads its window instead. */
const NO_SERIES: Value = { type: 'matrix', matrix: [] };

const QUERY_BOUNDS: Record<string, (s: EvalSettings) => number> = {
  start: (s) => s.start,
  end: (s) => s.end,
  step: (s) => s.step,
  range: (s) => s.end - s.start,
};

function pointCount(v: Value): number {
  return v.type === 'matrix' ? v.matrix.reduce((n, x) => n + x.to - x.from, 0) : 0;
}

/** A vector whose label sets must be unique: dropping names can make two series collide, which Prometheus refuses. */
function vector(v: Vector): Value {
  const seen = new Set<string>();
  for (const x of v) {
    const key = labelsKey(x.metric);
    if (seen.has(key)) throw new QueryError('execution', 'vector cannot contain metrics with the same labelset');
    seen.add(key);
  }
  return { type: 'vector', vector: v };
}
