import { labelsKey, type Labels } from '../protocol/labels.ts';
import { operands, type Expr } from './ast.ts';
import { DEFAULT_LIMITS, QueryBudget, type QueryLimits } from './budget.ts';
import { createEvaluator } from './eval/evaluator.ts';
import { compareLabels } from './functions/misc.ts';
import { QueryError } from './errors.ts';
import { exprType, parseExpr } from './parse.ts';
import type { Queryable } from './queryable.ts';
import { Annotations, type Value } from './value.ts';

export interface EngineOptions extends QueryLimits {
  /** How far back an instant selector looks for the latest sample; Prometheus' default is 5 minutes. */
  readonly lookbackMs: number;
  /** Step of subqueries written without one, `x[1h:]`; Prometheus uses its evaluation interval, 1 minute by default. */
  readonly subqueryStepMs: number;
}

export const DEFAULT_ENGINE: EngineOptions = { lookbackMs: 5 * 60_000, subqueryStepMs: 60_000, ...DEFAULT_LIMITS };

export interface QueryResult {
  readonly value: Value;
  readonly annotations: Annotations;
}

/** Evaluates a PromQL expression at one instant t (ms). Throws QueryError for bad input or execution errors. */
export function instantQuery(q: Queryable, text: string, t: number, opts: Partial<EngineOptions> = {}): QueryResult {
  const o = { ...DEFAULT_ENGINE, ...opts };
  const expr = parseExpr(text);
  const annotations = new Annotations();
  const evaluate = createEvaluator(q, expr, { start: t, end: t, step: 0, lookbackMs: o.lookbackMs, subqueryStepMs: o.subqueryStepMs, annotations, budget: new QueryBudget(o) });
  return { value: evaluate(t), annotations };
}

/** Evaluates at every step from start to end inclusive (ms) and returns a matrix, as Prometheus' query_range. */
export function rangeQuery(q: Queryable, text: string, start: number, end: number, step: number, opts: Partial<EngineOptions> = {}): QueryResult {
  const o = { ...DEFAULT_ENGINE, ...opts };
  const expr = parseExpr(text);
  const type = exprType(expr);
  if (type !== 'scalar' && type !== 'vector') {
    const name = type === 'matrix' ? 'range vector' : type;
    throw new QueryError('bad_data', `invalid expression type "${name}" for range query, must be Scalar or instant Vector`);
  }
  const annotations = new Annotations();
  const budget = new QueryBudget(o);
  const evaluate = createEvaluator(q, expr, { start, end, step, lookbackMs: o.lookbackMs, subqueryStepMs: o.subqueryStepMs, annotations, budget });
  // Output series by label set; steps usually return the same label objects, so a series is found by identity first.
  const byKey = new Map<string, OutputSeries>();
  const byObject = new Map<Labels, OutputSeries>();
  for (let t = start; t <= end; t += step) {
    budget.check();
    const v = evaluate(t);
    const samples = v.type === 'vector' ? v.vector : v.type === 'scalar' ? [{ metric: {}, point: { t, v: v.v } }] : [];
    for (const x of samples) {
      let entry = byObject.get(x.metric);
      if (entry === undefined) {
        const key = labelsKey(x.metric);
        entry = byKey.get(key);
        if (entry === undefined) byKey.set(key, (entry = { metric: x.metric, ts: [], vs: [] }));
        byObject.set(x.metric, entry);
      }
      entry.ts.push(t);
      entry.vs.push(x.point.v);
    }
    // The result matrix grows with every step and is held to the end.
    budget.take(samples.length);
  }
  const matrix = [...byKey.values()]
    .sort((a, b) => compareLabels(a.metric, b.metric))
    .map(({ metric, ts, vs }) => ({ metric, ts: Float64Array.from(ts), vs: Float64Array.from(vs), from: 0, to: ts.length }));
  // Range results are always ordered by labels, so a sort has no effect: Prometheus warns when it evaluates one
  // over more than one step, pointing at the call.
  const sort = start !== end ? lastSort(expr) : undefined;
  if (sort) annotations.warn('sort is ineffective for range queries since results are always ordered by labels', sort.pos);
  return { value: { type: 'matrix', matrix }, annotations };
}

interface OutputSeries {
  readonly metric: Labels;
  readonly ts: number[];
  readonly vs: number[];
}

const SORTS = new Set(['sort', 'sort_desc', 'sort_by_label', 'sort_by_label_desc']);

/**
 * The sort call whose warning Prometheus keeps: it evaluates a node's operands before adding the node's own
 * annotations, left to right, and of equal messages the last one added stays.
 */
function lastSort(e: Expr): Extract<Expr, { kind: 'call' }> | undefined {
  if (e.kind === 'call' && SORTS.has(e.func)) return e;
  for (const operand of operands(e).reverse()) {
    const found = lastSort(operand);
    if (found) return found;
  }
  return undefined;
}
