// The syntax tree as /api/v1/parse_query returns it, in the shape of Prometheus' web/api/v1/translate_ast.go (the
// tree view of its UI). Keys are written in alphabetical order because Go encodes its maps that way, so the JSON
// text is the same byte for byte. Times and durations are milliseconds. anchored, smoothed, fillValues and the
// *Expr fields describe syntax Prometheus keeps behind experimental flags, which the parser refuses: always
// false or null here.

import { formatFloatF } from './aggregate-go.ts';
import type { AtModifier, Expr, VectorSelector } from './ast.ts';
import { QueryError } from './errors.ts';
import { functionSignature } from './function-signatures.ts';
import type { Matcher } from './matcher.ts';

/** One node: `type` says which ("vectorSelector", "binaryExpr", …); the other fields depend on it. */
export interface AstJson {
  readonly type: string;
  readonly [field: string]: unknown;
}

interface MatcherJson {
  readonly name: string;
  readonly type: string;
  readonly value: string;
}

const timestamp = (at: AtModifier | undefined): number | null => (at?.kind === 'time' ? at.ms : null);
const startOrEnd = (at: AtModifier | undefined): string | null => (at && at.kind !== 'time' ? at.kind : null);

/**
 * Matchers in Prometheus' order: the parser appends the matcher for a name written before the braces, where
 * promql/parse.ts puts it first.
 */
function matchers(e: VectorSelector): MatcherJson[] {
  const list = [...e.matchers];
  if (e.name !== undefined && !e.nameInBraces) {
    const i = list.findIndex((m) => m.name === '__name__' && m.type === '=' && m.value === e.name);
    if (i >= 0) list.push(...list.splice(i, 1));
  }
  return list.map((m: Matcher) => ({ name: m.name, type: m.type, value: m.value }));
}

const selectorName = (e: VectorSelector): string => (e.nameInBraces ? '' : (e.name ?? ''));

/** Prometheus' translateAST: the JSON value for one expression and, recursively, its children. */
export function astJson(e: Expr): AstJson {
  switch (e.kind) {
    case 'aggregate':
      return {
        expr: astJson(e.expr),
        grouping: [...e.grouping],
        op: e.op,
        param: e.param ? astJson(e.param) : null,
        type: 'aggregation',
        without: e.without,
      };
    case 'binary': {
      const m = e.matching;
      const matching = m
        ? { card: m.card, fillValues: { lhs: null, rhs: null }, include: [...m.include], labels: [...m.labels], on: m.on }
        : null;
      return { bool: e.returnBool, lhs: astJson(e.lhs), matching, op: e.op, rhs: astJson(e.rhs), type: 'binaryExpr' };
    }
    case 'call': {
      const sig = functionSignature(e.func);
      if (!sig) throw new QueryError('internal', `no signature for function ${JSON.stringify(e.func)}`);
      const func = { argTypes: [...sig.argTypes], name: e.func, returnType: sig.returnType, variadic: sig.variadic };
      return { args: e.args.map(astJson), func, type: 'call' };
    }
    case 'matrix_selector': {
      const s = e.selector;
      return {
        anchored: false,
        matchers: matchers(s),
        name: selectorName(s),
        offset: s.offsetMs,
        offsetExpr: null,
        range: e.rangeMs,
        rangeExpr: null,
        smoothed: false,
        startOrEnd: startOrEnd(s.at),
        timestamp: timestamp(s.at),
        type: 'matrixSelector',
      };
    }
    case 'subquery':
      return {
        expr: astJson(e.expr),
        offset: e.offsetMs,
        offsetExpr: null,
        range: e.rangeMs,
        rangeExpr: null,
        startOrEnd: startOrEnd(e.at),
        step: e.stepMs ?? 0,
        stepExpr: null,
        timestamp: timestamp(e.at),
        type: 'subquery',
      };
    case 'number':
      return { type: 'numberLiteral', val: formatFloatF(e.value) };
    case 'paren':
      return { expr: astJson(e.expr), type: 'parenExpr' };
    case 'string':
      return { type: 'stringLiteral', val: e.value };
    case 'unary':
      return { expr: astJson(e.expr), op: e.op, type: 'unaryExpr' };
    case 'vector_selector':
      return {
        anchored: false,
        matchers: matchers(e),
        name: selectorName(e),
        offset: e.offsetMs,
        offsetExpr: null,
        smoothed: false,
        startOrEnd: startOrEnd(e.at),
        timestamp: timestamp(e.at),
        type: 'vectorSelector',
      };
  }
}
