import type { Matcher } from './matcher.ts';

/**
 * PromQL's syntax tree, as Prometheus' parser/ast.go defines it. Times and durations are ms.
 * `@` is kept as written (a number or start()/end()) and resolved per query by the engine.
 */
export type Expr =
  | NumberLiteral
  | StringLiteral
  | VectorSelector
  | MatrixSelector
  | SubqueryExpr
  | Call
  | AggregateExpr
  | BinaryExpr
  | UnaryExpr
  | ParenExpr;

export type ValueType = 'scalar' | 'string' | 'vector' | 'matrix';

/**
 * Where a parsed node starts in the query text (a JavaScript string index), Prometheus' PositionRange.Start:
 * annotations point there ("… (1:6)"). Absent on nodes built in code. Printing ignores it.
 */
interface Positioned {
  readonly pos?: number;
}

/** `@ 1609746000`, `@ start()`, `@ end()`; absent when the selector has no `@`. */
export type AtModifier = { readonly kind: 'time'; readonly ms: number } | { readonly kind: 'start' } | { readonly kind: 'end' };

export interface NumberLiteral extends Positioned {
  readonly kind: 'number';
  readonly value: number;
  /** Written as a duration (`5m`, a number of seconds): Prometheus prints it back as one. */
  readonly duration?: boolean;
}

export interface StringLiteral extends Positioned {
  readonly kind: 'string';
  readonly value: string;
}

export interface VectorSelector extends Positioned {
  readonly kind: 'vector_selector';
  /** The metric name when written as `name{…}` or `{"name"}`; it is also present as an `__name__` matcher. */
  readonly name?: string;
  /** The name was given only inside the braces (`{"name"}`): Prometheus' selector then has no Name of its own. */
  readonly nameInBraces?: boolean;
  readonly matchers: readonly Matcher[];
  readonly offsetMs: number;
  readonly at?: AtModifier;
}

/** `sel[5m]`: offset and @ live on the inner selector, as in Prometheus. */
export interface MatrixSelector extends Positioned {
  readonly kind: 'matrix_selector';
  readonly selector: VectorSelector;
  readonly rangeMs: number;
}

/** `expr[range:step]`; stepMs undefined means the query's default evaluation interval. */
export interface SubqueryExpr extends Positioned {
  readonly kind: 'subquery';
  readonly expr: Expr;
  readonly rangeMs: number;
  readonly stepMs?: number;
  readonly offsetMs: number;
  readonly at?: AtModifier;
}

export interface Call extends Positioned {
  readonly kind: 'call';
  /** The function's name; promql/functions.ts holds the registry entry for it. */
  readonly func: string;
  readonly args: readonly Expr[];
}

export type AggregateOp =
  | 'sum' | 'avg' | 'count' | 'min' | 'max' | 'group' | 'stddev' | 'stdvar'
  | 'topk' | 'bottomk' | 'quantile' | 'count_values' | 'limitk' | 'limit_ratio';

export interface AggregateExpr extends Positioned {
  readonly kind: 'aggregate';
  readonly op: AggregateOp;
  readonly expr: Expr;
  /** The parameter of topk, bottomk, quantile, count_values, limitk, limit_ratio. */
  readonly param?: Expr;
  /** Label names of `by (…)` or `without (…)`. */
  readonly grouping: readonly string[];
  readonly without: boolean;
}

export type BinaryOp =
  | '+' | '-' | '*' | '/' | '%' | '^' | 'atan2'
  | '==' | '!=' | '>' | '<' | '>=' | '<='
  | 'and' | 'or' | 'unless';

/** How two vectors are matched: `on(…)` / `ignoring(…)`, `group_left(…)` / `group_right(…)`. */
export interface VectorMatching {
  /** 'one-to-one', or which side may have many series per match group. */
  readonly card: 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';
  /** Labels of on(…) when `on` is true, else of ignoring(…). */
  readonly labels: readonly string[];
  readonly on: boolean;
  /** Extra labels copied from the "one" side by group_left(…)/group_right(…). */
  readonly include: readonly string[];
}

export interface BinaryExpr extends Positioned {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly lhs: Expr;
  readonly rhs: Expr;
  /** Set only when both sides are vectors (set operators are always many-to-many). */
  readonly matching?: VectorMatching;
  /** `bool` modifier of comparison operators. */
  readonly returnBool: boolean;
}

export interface UnaryExpr extends Positioned {
  readonly kind: 'unary';
  readonly op: '-' | '+';
  readonly expr: Expr;
}

export interface ParenExpr extends Positioned {
  readonly kind: 'paren';
  readonly expr: Expr;
}

/** A node's operands in Prometheus' evaluation order (an aggregation's parameter before its expression). */
export function operands(e: Expr): Expr[] {
  switch (e.kind) {
    case 'call':
      return [...e.args];
    case 'aggregate':
      return e.param === undefined ? [e.expr] : [e.param, e.expr];
    case 'binary':
      return [e.lhs, e.rhs];
    case 'unary':
    case 'paren':
    case 'subquery':
      return [e.expr];
    default:
      return [];
  }
}
