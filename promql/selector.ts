import { QueryError } from './errors.ts';
import type { Matcher } from './matcher.ts';
import { parseExpr } from './parse.ts';

/** A series selector such as `up{job="node"}`, as the match[] parameters and rule tools take it. */
export function parseSeriesSelector(text: string): readonly Matcher[] {
  const expr = parseExpr(text);
  if (expr.kind !== 'vector_selector') throw new QueryError('bad_data', `${JSON.stringify(text)} is not a series selector`);
  return expr.matchers;
}
