import type { Labels } from '../../protocol/labels.ts';
import type { Expr } from '../ast.ts';
import type { Value, VectorSample } from '../value.ts';
import { compareCodePoints, matrixArg, sample, scalarArg, stringArg, unwrapParens, vectorArg, vectorValue } from './common.ts';
import { goSort } from './gosort.ts';
import type { CallContext, FunctionImpl } from './registry.ts';

/**
 * The labels absent()/absent_over_time() return: the `=` matchers of a selector argument, except __name__; a name
 * matched more than once, or also by another matcher type, is left out (Prometheus' createLabelsForAbsentFunction).
 */
function absentLabels(expr: Expr | undefined): Labels {
  const e = unwrapParens(expr);
  const sel = e?.kind === 'vector_selector' ? e : e?.kind === 'matrix_selector' ? e.selector : undefined;
  if (!sel) return {};
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  for (const m of sel.matchers) {
    if (m.name === '__name__') continue;
    if (m.type === '=' && !seen.has(m.name)) {
      if (m.value === '') delete out[m.name];
      else out[m.name] = m.value;
      seen.add(m.name);
    } else delete out[m.name];
  }
  return Object.fromEntries(Object.keys(out).sort().map((n) => [n, out[n] as string]));
}

/** Prometheus' labels.Compare on sorted label sets: name, then value, pair by pair; the shorter set first. */
export function compareLabels(a: Labels, b: Labels): number {
  const an = Object.keys(a).sort(compareCodePoints);
  const bn = Object.keys(b).sort(compareCodePoints);
  const n = Math.min(an.length, bn.length);
  for (let i = 0; i < n; i++) {
    const x = an[i] as string;
    const y = bn[i] as string;
    if (x !== y) return compareCodePoints(x, y);
    const c = compareCodePoints(a[x] as string, b[y] as string);
    if (c !== 0) return c;
  }
  return an.length - bn.length;
}

/** The strconv.Atoi value of a digit run, or undefined when it overflows int64 (Atoi then fails). */
function atoi(s: string): bigint | undefined {
  if (!/^\d+$/.test(s)) return undefined;
  const v = BigInt(s);
  return v > 9223372036854775807n ? undefined : v;
}

/**
 * github.com/facette/natsort.Compare at the version Prometheus uses (2cd4dd1): whether a precedes b. Quirks kept on
 * purpose: equal strings compare as "less", and an empty string as "not less" than anything.
 */
export function natsortLess(a: string, b: string): boolean {
  const ca = a.match(/\d+|\D+/g) ?? [];
  const cb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < ca.length; i++) {
    if (i >= cb.length) return false;
    const x = ca[i] as string;
    const y = cb[i] as string;
    const xi = atoi(x);
    const yi = atoi(y);
    if (xi !== undefined && yi !== undefined) {
      if (xi === yi) {
        if (i === ca.length - 1) return true;
        if (i === cb.length - 1) return false;
        continue;
      }
      return xi < yi;
    }
    if (x === y) {
      if (i === ca.length - 1) return true;
      if (i === cb.length - 1) return false;
      continue;
    }
    return compareCodePoints(x, y) < 0;
  }
  return false;
}

function copyAt(s: VectorSample, t: number): VectorSample {
  return sample(s.metric, t, s.point.v);
}

/** sort()/sort_desc(): Go's sort with NaN always last; the metric name is kept. */
function sortByValue(desc: boolean): FunctionImpl {
  return (args, ctx) => {
    const v = vectorArg(args, 0).map((s) => copyAt(s, ctx.t));
    goSort(v, (a, b) => Number.isNaN(b.point.v) || (desc ? b.point.v < a.point.v : b.point.v > a.point.v));
    return vectorValue(v);
  };
}

function sortByLabel(desc: boolean): FunctionImpl {
  return (args, ctx) => {
    const names = args.slice(1).map((_, i) => stringArg(args, i + 1));
    const cmp = (a: VectorSample, b: VectorSample): number => {
      for (const name of names) {
        const x = a.metric[name] ?? '';
        const y = b.metric[name] ?? '';
        if (x === y) continue;
        return natsortLess(x, y) === desc ? 1 : -1;
      }
      const c = compareLabels(a.metric, b.metric);
      return desc ? -c : c;
    };
    const v = vectorArg(args, 0).map((s) => copyAt(s, ctx.t));
    goSort(v, (a, b) => cmp(a, b) < 0);
    return vectorValue(v);
  };
}

function scalar(args: readonly Value[], ctx: CallContext): Value {
  const v = vectorArg(args, 0);
  return { type: 'scalar', t: ctx.t, v: v.length === 1 ? (v[0] as VectorSample).point.v : NaN };
}

export const MISC_FUNCTIONS: Record<string, FunctionImpl> = {
  absent: (args, ctx) => vectorValue(vectorArg(args, 0).length > 0 ? [] : [sample(absentLabels(ctx.argExprs[0]), ctx.t, 1)]),
  // Per step: 1 when no series of the range argument has a sample in the window.
  absent_over_time: (args, ctx) =>
    vectorValue(matrixArg(args, 0).some((s) => s.to > s.from) ? [] : [sample(absentLabels(ctx.argExprs[0]), ctx.t, 1)]),
  vector: (args, ctx) => vectorValue([sample({}, ctx.t, scalarArg(args, 0))]),
  scalar,
  sort: sortByValue(false),
  sort_desc: sortByValue(true),
  sort_by_label: sortByLabel(false),
  sort_by_label_desc: sortByLabel(true),
};
