import type { Expr } from '../ast.ts';
import type { Annotations, Value } from '../value.ts';
import { HISTOGRAM_FUNCTIONS } from './histogram.ts';
import { LABEL_FUNCTIONS } from './labels.ts';
import { MATH_FUNCTIONS } from './math.ts';
import { MISC_FUNCTIONS } from './misc.ts';
import { OVER_TIME_FUNCTIONS, OVER_TIME_KERNELS } from './over-time.ts';
import type { RangeKernel } from './range-kernel.ts';
import { RATE_FUNCTIONS, RATE_KERNELS } from './rate.ts';
import { TIME_FUNCTIONS } from './time.ts';

export interface CallContext {
  /** Evaluation time of this step, ms. */
  readonly t: number;
  readonly annotations: Annotations;
  /** The argument expressions as written (e.g. to know a matrix argument's range: for a MatrixSelector, expr.rangeMs; for a SubqueryExpr, expr.rangeMs; and to know whether timestamp()'s argument is a plain vector selector). */
  readonly argExprs: readonly Expr[];
}

/** Returns a Value of the function's return type. Throws QueryError('execution', msg) for runtime errors (e.g. label_replace with an invalid destination label name). */
export type FunctionImpl = (args: readonly Value[], ctx: CallContext) => Value;

/**
 * Every PromQL function of Prometheus 3.x that can be computed from its evaluated arguments (float samples).
 * Not here, because they need the engine: info() (reads other series), and start()/end()/step()/range(), which
 * Prometheus folds into number literals before evaluation.
 */
export const FUNCTIONS: Readonly<Record<string, FunctionImpl>> = Object.freeze({
  ...MATH_FUNCTIONS,
  ...TIME_FUNCTIONS,
  ...MISC_FUNCTIONS,
  ...LABEL_FUNCTIONS,
  ...RATE_FUNCTIONS,
  ...OVER_TIME_FUNCTIONS,
  ...HISTOGRAM_FUNCTIONS,
});

/** The functions among them that work series by series on a range vector, by kernel (see range-kernel.ts). */
export const RANGE_KERNELS: Readonly<Record<string, RangeKernel>> = Object.freeze({ ...RATE_KERNELS, ...OVER_TIME_KERNELS });
