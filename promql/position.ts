// Positions in a query's text, as Prometheus reports them in parse errors and annotations.

import type { Expr } from './ast.ts';

/**
 * Prometheus' PositionRange.StartPosInput: "line:column" of `offset` (a JavaScript string index into `query`),
 * both counted from 1. Go indexes strings by byte, so the column counts UTF-8 bytes since the last newline:
 * `{a="é"} + x` puts x in column 12, not 11. An empty query has no positions at all.
 */
export function startPosInput(query: string, offset: number): string {
  if (query === '') return 'unknown position';
  if (offset < 0 || offset > query.length) return 'invalid position';
  const before = query.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  let line = 1;
  for (let i = before.indexOf('\n'); i >= 0; i = before.indexOf('\n', i + 1)) line++;
  return `${line}:${Buffer.byteLength(before.slice(lineStart)) + 1}`;
}

/**
 * Where an annotation about a function argument, aggregation parameter or aggregated expression points.
 * Prometheus' engine drops the parentheses around these before evaluating (PreprocessExpr's unwrapParenExpr), so
 * `quantile((2), x)` points at the 2.
 */
export function operandPos(e: Expr): number | undefined {
  return unparen(e).pos;
}

/**
 * operandPos of a function's argument i. A subquery given as a function's range argument is replaced by Prometheus'
 * engine with a selector that has no position (evalSubquery), so annotations about it point at the query's start:
 * `rate(x[5m:1m])` warns at 1:1.
 */
export function callArgPos(args: readonly Expr[], i: number): number | undefined {
  const arg = args[i];
  if (arg === undefined) return undefined;
  const inner = unparen(arg);
  return inner.kind === 'subquery' ? 0 : inner.pos;
}

function unparen(e: Expr): Expr {
  return e.kind === 'paren' ? unparen(e.expr) : e;
}
