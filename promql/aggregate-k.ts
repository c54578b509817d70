import type { Labels } from '../protocol/labels.ts';
import type { AggregateArgs } from './aggregate.ts';
import { formatFloatG, goSort, heapFix, heapPush, type Less } from './aggregate-go.ts';
import { grouper, type ParamStats } from './aggregate-group.ts';
import { sampleOffset } from './aggregate-hash.ts';
import { QueryError } from './errors.ts';
import type { Vector } from './value.ts';

/** Go's float64 bounds of int64 that Prometheus checks k against (promql/engine.go minInt64, maxInt64). */
const MIN_INT64 = -9223372036854775808;
const MAX_INT64 = 9223372036854774784;

interface Item {
  readonly metric: Labels;
  readonly v: number;
}

// vectorByValueHeap and vectorByReverseValueHeap: NaN counts as smaller than everything, in both.
const byValue: Less<Item> = (a, b) => Number.isNaN(a.v) || a.v < b.v;
const byReverseValue: Less<Item> = (a, b) => Number.isNaN(a.v) || a.v > b.v;

/**
 * The parameter checks Prometheus makes once per query (rangeEvalAgg) before any step: false when every step's
 * result is empty. Throws Prometheus' errors for NaN and for k beyond int64, warns when a ratio is capped.
 */
function checkParams(args: AggregateArgs, stats: ParamStats): boolean {
  if (args.op === 'limit_ratio') {
    if (stats.max === 0 && stats.min === 0) return false;
    if (stats.hasNaN) throw new QueryError('execution', 'Ratio value is NaN');
    const capped = (r: number, to: number) => `ratio value should be between -1 and 1, got ${formatFloatG(r)}, capping to ${to}`;
    if (stats.max > 1) args.annotations.warn(capped(stats.max, 1), args.paramPos);
    if (stats.min < -1) args.annotations.warn(capped(stats.min, -1), args.paramPos);
    return true;
  }
  if (stats.max < 1) return false;
  if (stats.hasNaN) throw new QueryError('execution', 'Parameter value is NaN');
  if (stats.min <= MIN_INT64) throw new QueryError('execution', `Scalar value ${formatFloatG(stats.min)} underflows int64`);
  if (stats.max >= MAX_INT64) throw new QueryError('execution', `Scalar value ${formatFloatG(stats.max)} overflows int64`);
  return true;
}

/** limit_ratio keeps a series when its fixed hash position falls inside the ratio (from the end when negative). */
function inRatio(r: number, metric: Labels): boolean {
  const offset = sampleOffset(metric);
  return (r >= 0 && offset < r) || (r < 0 && offset >= 1 + r);
}

/**
 * topk, bottomk, limitk and limit_ratio at one step (Prometheus' aggregationK): per group, a heap of the input
 * samples with their own labels, emitted group by group in order of first appearance; topk descending, bottomk
 * ascending, NaN last; limitk and limit_ratio in heap order. Ties fall as Go's heap and sort leave them.
 */
export function aggregateK(args: AggregateArgs, grouping: readonly string[], stats: ParamStats): Vector {
  if (!checkParams(args, stats)) return [];
  const { op, vector } = args;
  const param = typeof args.param === 'number' ? args.param : 0;
  let k = 0;
  let r = 0;
  if (op === 'limit_ratio') {
    if (param === 0) return [];
    r = Math.max(-1, Math.min(1, param));
  } else {
    k = Math.min(Math.trunc(param), vector.length);
    if (k < 1) return [];
  }

  const groups = new Map<string, Item[]>();
  const groupOfSeries = grouper(grouping, args.without);
  for (const sample of vector) {
    const s: Item = { metric: sample.metric, v: sample.point.v };
    const key = groupOfSeries(s.metric).key;
    let heap = groups.get(key);
    if (heap === undefined) {
      heap = [];
      groups.set(key, heap);
      // A group's first sample: limitk takes it as is, limit_ratio only when inside the ratio.
      if (op === 'limitk') heap.push(s);
      else if (op === 'bottomk') heapPush(heap, s, byReverseValue);
      else if (op === 'topk' || inRatio(r, s.metric)) heapPush(heap, s, byValue);
      continue;
    }
    const top = heap[0] as Item;
    switch (op) {
      case 'topk':
        if (heap.length < k) heapPush(heap, s, byValue);
        else if (top.v < s.v || (Number.isNaN(top.v) && !Number.isNaN(s.v))) {
          heap[0] = s;
          if (k > 1) heapFix(heap, 0, byValue);
        }
        break;
      case 'bottomk':
        if (heap.length < k) heapPush(heap, s, byReverseValue);
        else if (top.v > s.v || (Number.isNaN(top.v) && !Number.isNaN(s.v))) {
          heap[0] = s;
          if (k > 1) heapFix(heap, 0, byReverseValue);
        }
        break;
      case 'limitk':
        if (heap.length < k) heapPush(heap, s, byValue);
        break;
      default:
        if (inRatio(r, s.metric)) heapPush(heap, s, byValue);
    }
  }

  const out: Vector = [];
  for (const heap of groups.values()) {
    // sort.Sort(sort.Reverse(heap)): the heap's own order reversed.
    if (op === 'topk' && heap.length > 1) goSort(heap, (a, b) => byValue(b, a));
    if (op === 'bottomk' && heap.length > 1) goSort(heap, (a, b) => byReverseValue(b, a));
    for (const s of heap) out.push({ metric: s.metric, point: { t: args.t, v: s.v } });
  }
  return out;
}
