import type { Expr } from './ast.ts';
import { parseError, QueryError } from './errors.ts';
import type { Matcher } from './matcher.ts';
import { parseExpr } from './parse.ts';
import { lex, type Token, type TokenType } from './parse-lex.ts';
import { describeToken } from './parse-syntax.ts';

/** Tokens Prometheus' grammar accepts as a metric name (its metric_identifier rule lists keywords too). */
const NAME_TOKENS: ReadonlySet<TokenType> = new Set([
  'IDENTIFIER', 'METRIC_IDENTIFIER', 'aggr', 'keyword', 'preprocessor', 'LAND', 'LOR', 'LUNLESS',
]);

/**
 * A series selector such as `up{job="node"}`, read as Prometheus' ParseMetricSelector reads match[] parameters:
 * a metric name, braces or both, and nothing after them. Unlike in a query, matchers that all match the empty
 * string are accepted: the API endpoints each decide what such a selector means.
 */
export function parseSeriesSelector(text: string): readonly Matcher[] {
  const { tokens } = lex(text);
  const end = selectorEnd(tokens);
  const next = tokens[end];
  // Past the selector: Prometheus' parser stops at the first token its selector grammar cannot take.
  if (next && (next.type !== 'EOF' || end === 0)) {
    throw parseError(text, next.pos, `unexpected ${next.type === 'EOF' ? 'end of input' : describeToken(next)}`);
  }
  try {
    return matchersOf(parseExpr(text));
  } catch (err) {
    // Prometheus checks a selector only as grammar: a query's checks ("at least one non-empty matcher", "metric
    // name must not be set twice") do not apply. Written in a form that passes them, the same matchers parse.
    const relaxed = err instanceof QueryError ? withoutQueryChecks(text, tokens) : undefined;
    if (relaxed === undefined) throw err;
    try {
      return matchersOf(parseExpr(relaxed.text)).slice(relaxed.drop);
    } catch {
      throw err;
    }
  }
}

/**
 * `name{…}` as `{__name__="name", …}`, and `{…}` with a non-empty matcher put first (and `drop` to remove it),
 * so that neither query check can fail; undefined when the selector has no braces.
 */
function withoutQueryChecks(text: string, tokens: readonly Token[]): { text: string; drop: number } | undefined {
  const [first, second] = tokens;
  if (first?.type === 'LEFT_BRACE') return { text: `{x="x",${text.slice(first.pos + 1)}`, drop: 1 };
  if (first && second?.type === 'LEFT_BRACE') {
    return { text: `{__name__=${JSON.stringify(first.text)},${text.slice(second.pos + 1)}`, drop: 0 };
  }
  return undefined;
}

/** Index of the first token after `name`, `{…}` or `name{…}`; the token count when a brace is left open. */
function selectorEnd(tokens: readonly Token[]): number {
  let i = tokens[0] && NAME_TOKENS.has(tokens[0].type) ? 1 : 0;
  if (tokens[i]?.type !== 'LEFT_BRACE') return i;
  for (i++; i < tokens.length; i++) if ((tokens[i] as Token).type === 'RIGHT_BRACE') return i + 1;
  return tokens.length;
}

function matchersOf(expr: Expr): readonly Matcher[] {
  if (expr.kind !== 'vector_selector') throw new QueryError('bad_data', 'expected a series selector');
  return expr.matchers;
}
