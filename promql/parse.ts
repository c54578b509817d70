import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import type { Expr, VectorSelector } from './ast.ts';
import { parseError, QueryError } from './errors.ts';
import { makeMatcher, type Matcher, type MatchType } from './matcher.ts';
import { unquote } from './strings.ts';

/** Parses a PromQL expression; throws QueryError('bad_data') with a `line:col: parse error:` message. */
export function parseExpr(input: string): Expr {
  const tree = parser.parse(input);
  let firstError: number | undefined;
  tree.iterate({
    enter(node) {
      if (firstError !== undefined) return false;
      if (node.type.isError) firstError = node.from;
      return undefined;
    },
  });
  if (firstError !== undefined) {
    const what = firstError >= input.length ? 'end of input' : `character ${JSON.stringify(input[firstError])}`;
    throw parseError(input, firstError, `unexpected ${what}`);
  }
  const root = tree.topNode.firstChild;
  if (!root) throw new QueryError('bad_data', 'parse error: no expression found in input');
  return toExpr(input, root);
}

function toExpr(input: string, node: SyntaxNode): Expr {
  if (node.name === 'VectorSelector') return vectorSelector(input, node);
  throw parseError(input, node.from, `${node.name} is not supported yet: this version evaluates vector selectors only`);
}

const MATCH_OPS: Record<string, MatchType> = { EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' };

function vectorSelector(input: string, node: SyntaxNode): VectorSelector {
  const text = (n: SyntaxNode) => input.slice(n.from, n.to);
  const literal = (n: SyntaxNode) => {
    try {
      return unquote(text(n));
    } catch (err) {
      throw parseError(input, n.from, (err as Error).message);
    }
  };
  const matchers: Matcher[] = [];
  let metricName: string | undefined;
  const add = (n: SyntaxNode, type: MatchType, name: string, value: string) => {
    try {
      matchers.push(makeMatcher(type, name, value));
    } catch (err) {
      throw parseError(input, n.from, `invalid regular expression ${JSON.stringify(value)}: ${(err as Error).message}`);
    }
  };

  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.name === 'Identifier') metricName = text(child);
    if (child.name !== 'LabelMatchers') continue;
    for (let m = child.firstChild; m; m = m.nextSibling) {
      if (m.name === 'QuotedLabelName') {
        // A bare quoted string inside braces is a UTF-8 metric name (Prometheus 3).
        if (metricName !== undefined) throw parseError(input, m.from, 'metric name must not be set twice');
        metricName = literal(m);
        continue;
      }
      if (m.name !== 'UnquotedLabelMatcher' && m.name !== 'QuotedLabelMatcher') continue;
      const nameNode = m.firstChild;
      const opNode = nameNode?.nextSibling;
      const valueNode = opNode?.nextSibling;
      if (!nameNode || !opNode || !valueNode) throw parseError(input, m.from, 'incomplete label matcher');
      const name = nameNode.name === 'LabelName' ? text(nameNode) : literal(nameNode);
      const type = MATCH_OPS[opNode.firstChild?.name ?? ''];
      if (!type) throw parseError(input, opNode.from, `unknown match operator ${text(opNode)}`);
      add(m, type, name, literal(valueNode));
    }
  }

  if (metricName !== undefined) {
    if (matchers.some((m) => m.name === '__name__')) {
      throw parseError(input, node.from, 'metric name must not be set twice');
    }
    matchers.unshift(makeMatcher('=', '__name__', metricName));
  }
  // Prometheus refuses selectors that would match every series in the database.
  if (matchers.every((m) => m.matches(''))) {
    throw parseError(input, node.from, 'vector selector must contain at least one non-empty matcher');
  }
  return { kind: 'vector_selector', matchers };
}
