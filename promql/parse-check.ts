// Type checks of a built syntax tree, in the order and words of Prometheus' parser.checkAST, which runs once
// the whole query has parsed. Also fills in BinaryExpr.matching, which exists only between two instant vectors.

import type { AggregateOp, BinaryExpr, Expr, ValueType, VectorMatching } from './ast.ts';
import { parseError } from './errors.ts';
import { functionSignature } from './function-signatures.ts';
import { goQuote } from './parse-literals.ts';

/** What the checks need to know about a node beyond the AST: where it starts, and how it was written. */
export interface Meta {
  /** Where the expression starts (Prometheus' PositionRange.Start). */
  pos: number;
  /** Vector selectors: the metric name was written before the braces. */
  nameOutside?: boolean;
  /** Vector selectors and subqueries: an offset other than 0 was given (Prometheus counts nanoseconds). */
  offsetSet?: boolean;
  /** Vector selectors: the second argument of info(), which may select no metric name. */
  bypassEmptyCheck?: boolean;
  /** Binary expressions: where the operator is, and the matching clause as written. */
  opPos?: number;
  matching?: VectorMatching;
}

export type MetaMap = Map<Expr, Meta>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Prometheus' Expr.Type(). */
export function exprType(expr: Expr): ValueType {
  switch (expr.kind) {
    case 'number':
      return 'scalar';
    case 'string':
      return 'string';
    case 'vector_selector':
    case 'aggregate':
      return 'vector';
    case 'matrix_selector':
    case 'subquery':
      return 'matrix';
    case 'call':
      return functionSignature(expr.func)?.returnType ?? 'vector';
    case 'binary':
      return exprType(expr.lhs) === 'scalar' && exprType(expr.rhs) === 'scalar' ? 'scalar' : 'vector';
    case 'unary':
    case 'paren':
      return exprType(expr.expr);
  }
}

/** How Prometheus names value types in messages (DocumentedType). */
const documented = (t: ValueType): string => (t === 'vector' ? 'instant vector' : t === 'matrix' ? 'range vector' : t);

const COMPARISONS = new Set(['==', '!=', '>', '<', '>=', '<=']);
const SET_OPS = new Set(['and', 'or', 'unless']);
const SCALAR_PARAM = new Set<AggregateOp>(['topk', 'bottomk', 'quantile', 'limitk', 'limit_ratio']);

/** Runs Prometheus' checks over a parsed expression; throws the first failure as a parse error. */
export function checkExpr(input: string, root: Expr, meta: MetaMap): void {
  const pos = (e: Expr) => meta.get(e)?.pos ?? 0;
  const fail = (at: number, message: string): never => {
    throw parseError(input, at, message);
  };
  const expectType = (e: Expr, want: ValueType, context: string) => {
    const t = check(e);
    if (t !== want) fail(pos(e), `expected type ${documented(want)} in ${context}, got ${documented(t)}`);
  };

  function check(e: Expr): ValueType {
    const type = exprType(e);
    switch (e.kind) {
      case 'aggregate':
        expectType(e.expr, 'vector', 'aggregation expression');
        if (e.param && SCALAR_PARAM.has(e.op)) expectType(e.param, 'scalar', 'aggregation parameter');
        if (e.param && e.op === 'count_values') expectType(e.param, 'string', 'aggregation parameter');
        break;
      case 'binary':
        binary(e);
        break;
      case 'call':
        call(e);
        break;
      case 'paren':
        check(e.expr);
        break;
      case 'unary': {
        const t = check(e.expr);
        if (t !== 'scalar' && t !== 'vector') {
          fail(pos(e), `unary expression only allowed on expressions of type scalar or instant vector, got ${goQuote(documented(t))}`);
        }
        break;
      }
      case 'subquery': {
        const t = check(e.expr);
        if (t !== 'vector') fail(pos(e), `subquery is only allowed on instant vector, got ${t} instead`);
        break;
      }
      case 'matrix_selector':
        check(e.selector);
        break;
      case 'vector_selector': {
        const m = meta.get(e);
        if (m?.nameOutside) {
          // The name written before the braces is the first matcher; another __name__ matcher would set it twice.
          for (const matcher of e.matchers.slice(1)) {
            if (matcher.name === '__name__') {
              fail(pos(e), `metric name must not be set twice: ${goQuote(e.name ?? '')} or ${goQuote(matcher.value)}`);
            }
          }
        } else if (!m?.bypassEmptyCheck && !e.matchers.some((matcher) => !matcher.matches(''))) {
          fail(pos(e), 'vector selector must contain at least one non-empty matcher');
        }
        break;
      }
      case 'number':
      case 'string':
        break;
    }
    return type;
  }

  function binary(e: BinaryExpr) {
    const lt = check(e.lhs);
    const rt = check(e.rhs);
    const m = meta.get(e);
    const opPos = m?.opPos ?? pos(e);
    const written = m?.matching ?? { card: 'one-to-one', labels: [], on: false, include: [] };
    const comparison = COMPARISONS.has(e.op);
    const setOp = SET_OPS.has(e.op);
    if (e.returnBool && !comparison) fail(opPos, 'bool modifier can only be used on comparison operators');
    if (comparison && !e.returnBool && lt === 'scalar' && rt === 'scalar') fail(opPos, 'comparisons between scalars must use BOOL modifier');
    const card = setOp && written.card === 'one-to-one' ? 'many-to-many' : written.card;
    if (written.on) {
      for (const label of written.labels) {
        if (written.include.includes(label)) fail(opPos, `label ${goQuote(label)} must not occur in ON and GROUP clause at once`);
      }
    }
    if (lt !== 'scalar' && lt !== 'vector') fail(pos(e.lhs), 'binary expression must contain only scalar and instant vector types');
    if (rt !== 'scalar' && rt !== 'vector') fail(pos(e.rhs), 'binary expression must contain only scalar and instant vector types');
    let matching: VectorMatching | undefined;
    if (lt !== 'vector' || rt !== 'vector') {
      if (written.labels.length > 0) fail(pos(e), 'vector matching only allowed between instant vectors');
    } else {
      if (setOp && (card === 'one-to-many' || card === 'many-to-one')) fail(pos(e), `no grouping allowed for ${goQuote(e.op)} operation`);
      if (setOp && card !== 'many-to-many') fail(pos(e), 'set operations must always be many-to-many');
      matching = { card, labels: written.labels, on: written.on, include: written.include };
    }
    if ((lt === 'scalar' || rt === 'scalar') && setOp) fail(pos(e), `set operator ${goQuote(e.op)} not allowed in binary scalar expression`);
    const out = e as Mutable<BinaryExpr>;
    if (matching) out.matching = matching;
    else delete out.matching;
  }

  function call(e: Extract<Expr, { kind: 'call' }>) {
    const sig = functionSignature(e.func);
    if (!sig) return fail(pos(e), `unknown function with name ${goQuote(e.func)}`);
    const nargs = sig.argTypes.length;
    const name = goQuote(e.func);
    const got = e.args.length;
    if (sig.variadic === 0) {
      if (nargs !== got) fail(pos(e), `expected ${nargs} argument(s) in call to ${name}, got ${got}`);
    } else {
      const min = nargs - 1;
      if (min > got) fail(pos(e), `expected at least ${min} argument(s) in call to ${name}, got ${got}`);
      else if (sig.variadic > 0 && min + sig.variadic < got) fail(pos(e), `expected at most ${min + sig.variadic} argument(s) in call to ${name}, got ${got}`);
    }
    const second = e.args[1];
    if (e.func === 'info' && second) {
      const t = exprType(second);
      if (t !== 'vector') fail(pos(e), `expected type instant vector in call to function ${name}, got ${documented(t)}`);
      const m = meta.get(second);
      if (second.kind !== 'vector_selector') fail(pos(second), 'expected label selectors only');
      else if (m?.nameOutside) fail(pos(second), 'expected label selectors only, got vector selector instead');
      else if (m) m.bypassEmptyCheck = true;
    }
    e.args.forEach((arg, i) => {
      if (i >= nargs && sig.variadic === 0) return;
      const want = sig.argTypes[Math.min(i, nargs - 1)] as ValueType;
      const t = check(arg);
      if (t !== want) fail(pos(arg), `expected type ${documented(want)} in call to function ${name}, got ${documented(t)}`);
    });
  }

  check(root);
}
