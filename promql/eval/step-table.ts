import { labelsKey, type Labels } from '../../protocol/labels.ts';
import { grouper, groupingSignature, type Group } from '../aggregate-group.ts';
import { foldGroups } from '../aggregate.ts';
import type { AggregateOp, Call, MatrixSelector } from '../ast.ts';
import { rangeWindow, type RangeWindow } from '../functions/common.ts';
import { kernelMetric, type RangeKernel } from '../functions/range-kernel.ts';
import type { CallContext } from '../functions/registry.ts';
import type { Annotations, RangeSeries, Value, Vector } from '../value.ts';
import type { Selection } from './selectors.ts';

/** The steps of a range query: start, start + step, …, end. */
export interface Steps {
  readonly start: number;
  readonly step: number;
  readonly count: number;
}

/** Above this many series × steps a table would hold too much memory at once; such calls run step by step. */
const MAX_CELLS = 20_000_000;

/**
 * A range function of a matrix selector (`rate(x[5m])`) computed for every step of a range query at once, series
 * by series: the window slides over each series' samples with two cursors and the kernel runs on it in place, so
 * the steps allocate nothing. Evaluating the call at a step then reads one column of the table.
 */
export class StepTable {
  /** Each series' group, per grouping an aggregation over this table asked for. */
  private readonly groups = new Map<string, Group[]>();

  private constructor(
    private readonly steps: Steps,
    private readonly metrics: readonly Labels[],
    private readonly values: Float64Array,
    private readonly present: Uint8Array,
  ) {}

  /**
   * Builds the table, or returns undefined when the call must run step by step: too large, or two series whose
   * output labels are equal (the step-by-step path then fails the query at the step where both have a value).
   */
  static build(
    call: Call,
    kernel: RangeKernel,
    selection: Selection,
    steps: Steps,
    argsAt: (t: number) => Value[],
    windowEnd: (ms: MatrixSelector, t: number) => number,
    annotations: Annotations,
  ): StepTable | undefined {
    const ms = call.args[kernel.matrixIndex] as MatrixSelector;
    const live = selection.liveSeries();
    if (live.length * steps.count > MAX_CELLS) return undefined;
    const metrics = selection.series.map((s) => kernelMetric(kernel, s.labels));
    if (new Set(metrics.map(labelsKey)).size !== metrics.length) return undefined;

    // What every step passes to the kernel: its other arguments, its context and its window.
    const contexts: CallContext[] = [];
    const args: Value[][] = [];
    const windows: RangeWindow[] = [];
    const ends = new Float64Array(steps.count);
    for (let k = 0; k < steps.count; k++) {
      const t = steps.start + k * steps.step;
      const ctx: CallContext = { t, annotations, argExprs: call.args };
      contexts.push(ctx);
      args.push(argsAt(t));
      windows.push(rangeWindow(ctx, kernel.matrixIndex));
      ends[k] = windowEnd(ms, t);
    }

    const values = new Float64Array(live.length * steps.count);
    const present = new Uint8Array(live.length * steps.count);
    for (let j = 0; j < live.length; j++) {
      const { ts, vs, drops } = live[j]!;
      const window: { -readonly [K in keyof RangeSeries]: RangeSeries[K] } = { metric: selection.series[j]!.labels, ts, vs, from: 0, to: 0, drops };
      let from = 0;
      let to = 0;
      let gaveOutput = false;
      for (let k = 0; k < steps.count; k++) {
        const te = ends[k]!;
        // Windows only move forward with the steps (or stay put under `@`): the cursors never go back.
        while (from < ts.length && ts[from]! <= te - ms.rangeMs) from++;
        if (to < from) to = from;
        while (to < ts.length && ts[to]! <= te) to++;
        if (to === from) continue;
        window.from = from;
        window.to = to;
        const v = kernel.value(window, args[k]!, contexts[k]!, windows[k]!);
        if (v === undefined) continue;
        values[j * steps.count + k] = v;
        present[j * steps.count + k] = 1;
        if (!gaveOutput) kernel.noteOutput?.(window.metric, contexts[k]!);
        gaveOutput = true;
      }
    }
    return new StepTable(steps, metrics, values, present);
  }

  /** The step index of `t`, or undefined when t is not one of the query's steps. */
  private stepOf(t: number): number | undefined {
    const k = (t - this.steps.start) / this.steps.step;
    return Number.isInteger(k) && k >= 0 && k < this.steps.count ? k : undefined;
  }

  /**
   * An aggregation without parameter (sum, avg, count, …) of the call at `t`, folded straight from the table's
   * cells: the same inputs in the same order as aggregating the vector `at(t)` would give. Undefined off the steps.
   */
  aggregateAt(t: number, op: AggregateOp, grouping: readonly string[], without: boolean): Vector | undefined {
    const k = this.stepOf(t);
    if (k === undefined) return undefined;
    const sorted = [...grouping].sort();
    const signature = groupingSignature(sorted, without);
    let groups = this.groups.get(signature);
    if (groups === undefined) this.groups.set(signature, (groups = this.metrics.map(grouper(sorted, without))));
    const count = this.steps.count;
    const inGroup = groups;
    return foldGroups(op, inGroup.length, (j) => (this.present[j * count + k] === 1 ? inGroup[j] : undefined), (j) => this.values[j * count + k]!, 0, t);
  }

  /** The call's value at `t`, or undefined when t is not one of the query's steps. */
  at(t: number): Vector | undefined {
    const k = this.stepOf(t);
    if (k === undefined) return undefined;
    const out: Vector = [];
    for (let j = 0; j < this.metrics.length; j++) {
      const cell = j * this.steps.count + k;
      if (this.present[cell] === 1) out.push({ metric: this.metrics[j]!, point: { t, v: this.values[cell]! } });
    }
    return out;
  }
}
