import type { Labels } from '../../protocol/labels.ts';
import type { RangeSeries, Value, Vector } from '../value.ts';
import { dropMetricName, eachSeries, matrixArg, rangeWindow, sample, vectorValue, type RangeWindow } from './common.ts';
import type { CallContext, FunctionImpl } from './registry.ts';

/**
 * A function of a range vector computed series by series (rate, the *_over_time family, deriv, …): the value of one
 * series' window, or undefined when that series gives no output. A plain call runs the kernel over every series at
 * one step; a range query runs it over every step of one series at a time (eval/step-table.ts).
 */
export interface RangeKernel {
  /** Which argument is the range vector; the others are evaluated as usual and passed in `args`. */
  readonly matrixIndex: number;
  /** last_over_time and first_over_time keep __name__, as an offset would; the others drop it. */
  readonly keepName: boolean;
  value(s: RangeSeries, args: readonly Value[], ctx: CallContext, w: RangeWindow): number | undefined;
  /** Called for each series that gave a value (rate()'s info on names that do not look like counters). */
  noteOutput?(metric: Labels, ctx: CallContext): void;
}

/** The output labels of a series under the kernel. */
export const kernelMetric = (k: RangeKernel, metric: Labels): Labels => (k.keepName ? metric : dropMetricName(metric));

/** The function a kernel defines, evaluated at one step over every series of its range vector. */
export function kernelFunction(k: RangeKernel): FunctionImpl {
  return (args, ctx) => {
    const w = rangeWindow(ctx, k.matrixIndex);
    const out: Vector = [];
    eachSeries(matrixArg(args, k.matrixIndex), (s) => {
      const v = k.value(s, args, ctx, w);
      if (v === undefined) return;
      out.push(sample(kernelMetric(k, s.metric), ctx.t, v));
      k.noteOutput?.(s.metric, ctx);
    });
    return vectorValue(out);
  };
}

export function kernelFunctions(kernels: Record<string, RangeKernel>): Record<string, FunctionImpl> {
  return Object.fromEntries(Object.entries(kernels).map(([name, k]) => [name, kernelFunction(k)]));
}
