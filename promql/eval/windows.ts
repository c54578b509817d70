import type { AtModifier, Expr, VectorSelector } from '../ast.ts';

export interface Window {
  mint: number;
  maxt: number;
}

/** Resolves `@` for one query: start() and end() are the query's own bounds. */
export function atTime(at: AtModifier | undefined, t: number, start: number, end: number): number {
  if (!at) return t;
  return at.kind === 'time' ? at.ms : at.kind === 'start' ? start : end;
}

/**
 * The time range each selector will read over the whole query (Prometheus' FindMinMaxTime), so storage is
 * asked once per selector instead of once per step. Subqueries widen the range of everything inside them.
 */
export function selectorWindows(expr: Expr, start: number, end: number, lookbackMs: number): Map<VectorSelector, Window> {
  const out = new Map<VectorSelector, Window>();
  const add = (sel: VectorSelector, mint: number, maxt: number) => {
    const w = out.get(sel);
    if (w) {
      w.mint = Math.min(w.mint, mint);
      w.maxt = Math.max(w.maxt, maxt);
    } else out.set(sel, { mint, maxt });
  };
  // [lo, hi] are the earliest and latest evaluation times of the node being walked.
  const walk = (e: Expr, lo: number, hi: number): void => {
    switch (e.kind) {
      case 'vector_selector': {
        const [a, b] = shifted(e.at, e.offsetMs, lo, hi, start, end);
        add(e, a - lookbackMs, b);
        return;
      }
      case 'matrix_selector': {
        const [a, b] = shifted(e.selector.at, e.selector.offsetMs, lo, hi, start, end);
        add(e.selector, a - e.rangeMs, b);
        return;
      }
      case 'subquery': {
        const [a, b] = shifted(e.at, e.offsetMs, lo, hi, start, end);
        walk(e.expr, a - e.rangeMs, b);
        return;
      }
      case 'call':
        e.args.forEach((arg) => walk(arg, lo, hi));
        return;
      case 'aggregate':
        walk(e.expr, lo, hi);
        if (e.param) walk(e.param, lo, hi);
        return;
      case 'binary':
        walk(e.lhs, lo, hi);
        walk(e.rhs, lo, hi);
        return;
      case 'unary':
      case 'paren':
        walk(e.expr, lo, hi);
        return;
      case 'number':
      case 'string':
        return;
    }
  };
  walk(expr, start, end);
  return out;
}

function shifted(at: AtModifier | undefined, offsetMs: number, lo: number, hi: number, start: number, end: number): [number, number] {
  if (at) {
    const t = atTime(at, lo, start, end) - offsetMs;
    return [t, t];
  }
  return [lo - offsetMs, hi - offsetMs];
}
