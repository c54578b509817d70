// Operators, function calls and aggregations: the tree parseExpr builds and the errors it gives.

import { describe, expect, it } from 'vitest';
import type { Expr } from '../../promql/ast.ts';
import { FUNCTION_SIGNATURES } from '../../promql/function-signatures.ts';
import { parseExpr } from '../../promql/parse.ts';

/** A compact rendering: (op args…); selectors by name; binary matching as <card on/ignoring(labels) +(include)>. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return String(e.value);
    case 'string':
      return JSON.stringify(e.value);
    case 'vector_selector':
      return e.name ?? '{…}';
    case 'matrix_selector':
      return `${show(e.selector)}[${e.rangeMs}]`;
    case 'subquery':
      return `${show(e.expr)}[${e.rangeMs}:${e.stepMs ?? ''}]`;
    case 'call':
      return `(${e.func}${e.args.map((a) => ` ${show(a)}`).join('')})`;
    case 'aggregate': {
      const g = e.without ? ` without(${e.grouping})` : e.grouping.length ? ` by(${e.grouping})` : '';
      return `(${e.op}${g}${e.param ? ` ${show(e.param)}` : ''} ${show(e.expr)})`;
    }
    case 'binary': {
      const m = e.matching;
      const on = m && (m.labels.length || m.on) ? ` ${m.on ? 'on' : 'ignoring'}(${m.labels})` : '';
      const match = m ? ` <${m.card}${on}${m.include.length ? ` +(${m.include})` : ''}>` : '';
      return `(${e.op}${e.returnBool ? ' bool' : ''}${match} ${show(e.lhs)} ${show(e.rhs)})`;
    }
    case 'unary':
      return `(u${e.op} ${show(e.expr)})`;
    case 'paren':
      return `(paren ${show(e.expr)})`;
  }
}

const tree = (q: string) => show(parseExpr(q));
function failure(q: string): string {
  try {
    parseExpr(q);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${q} parsed`);
}

describe('parseExpr: binary and unary operators', () => {
  it.each([
    ['1 + 2 * 3', '(+ 1 (* 2 3))'],
    ['1 - 2 - 3', '(- (- 1 2) 3)'],
    ['2 ^ 3 ^ 2', '(^ 2 (^ 3 2))'],
    ['-x ^ 2', '(u- (^ x 2))'],
    ['-1 ^ 2', '(u- (^ 1 2))'],
    ['2 ^ -1', '(^ 2 -1)'],
    ['1 - -1 ^ 2', '(- 1 (u- (^ 1 2)))'],
    ['-x * 2', '(* (u- x) 2)'],
    ['a atan2 b * c', '(* <one-to-one> (atan2 <one-to-one> a b) c)'],
    ['a % b / c', '(/ <one-to-one> (% <one-to-one> a b) c)'],
    ['a + b > c * d', '(> <one-to-one> (+ <one-to-one> a b) (* <one-to-one> c d))'],
    ['a == bool b > c', '(> <one-to-one> (== bool <one-to-one> a b) c)'],
    ['a and b or c unless d', '(or <many-to-many> (and <many-to-many> a b) (unless <many-to-many> c d))'],
    ['a > bool 1 + 2', '(> bool a (+ 1 2))'],
    ['1 > bool 2', '(> bool 1 2)'],
    ['a + 1', '(+ a 1)'],
    ['a + on(x, y) b', '(+ <one-to-one on(x,y)> a b)'],
    ['a + on() b', '(+ <one-to-one on()> a b)'],
    ['a + ignoring(x) b', '(+ <one-to-one ignoring(x)> a b)'],
    ['a * on(x) group_left(y, z) b', '(* <many-to-one on(x) +(y,z)> a b)'],
    ['a * ignoring(x) group_right b', '(* <one-to-many ignoring(x)> a b)'],
    ['a and on(x) b', '(and <many-to-many on(x)> a b)'],
    ['a unless ignoring(x) b', '(unless <many-to-many ignoring(x)> a b)'],
    ['a == bool on(x) b', '(== bool <one-to-one on(x)> a b)'],
    ['a / on("x.y") b', '(/ <one-to-one on(x.y)> a b)'],
    ['a + on(a:b) c', '(+ <one-to-one on(a:b)> a c)'],
    ['1 + on() 2', '(+ 1 2)'],
    ['(a + b) * c', '(* <one-to-one> (paren (+ <one-to-one> a b)) c)'],
    ['A AND B OR C', '(or <many-to-many> (and <many-to-many> A B) C)'],
  ])('%s', (q, want) => {
    expect(tree(q)).toBe(want);
  });

  it.each([
    ['1 and 1', '1:1: parse error: set operator "and" not allowed in binary scalar expression'],
    ['x or 1', '1:1: parse error: set operator "or" not allowed in binary scalar expression'],
    ['1 == 1', '1:3: parse error: comparisons between scalars must use BOOL modifier'],
    ['x + bool y', '1:3: parse error: bool modifier can only be used on comparison operators'],
    ['x and bool 1', '1:3: parse error: bool modifier can only be used on comparison operators'],
    ['x + on(a) group_left(a) y', '1:3: parse error: label "a" must not occur in ON and GROUP clause at once'],
    ['x and on(a) group_left(b) y', '1:1: parse error: no grouping allowed for "and" operation'],
    ['1 + on(a) x', '1:1: parse error: vector matching only allowed between instant vectors'],
    ['x + y[5m]', '1:5: parse error: binary expression must contain only scalar and instant vector types'],
    ['"a" + 1', '1:1: parse error: binary expression must contain only scalar and instant vector types'],
    ['x + group_left y', '1:5: parse error: unexpected <group_left>'],
    ['-"a"', '1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "string"'],
    ['-x[5m]', '1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "range vector"'],
    ['x + fill(0) y', '1:1: parse error: binop fill modifiers are experimental and not enabled'],
    ['x </ 1', '1:3: parse error: binary operator "</" is not supported: it trims native histograms'],
  ])('%s fails', (q, want) => {
    expect(failure(q)).toBe(want);
  });
});

describe('parseExpr: function calls', () => {
  it.each([
    ['rate(x[5m])', '(rate x[300000])'],
    ['time()', '(time)'],
    ['round(x)', '(round x)'],
    ['round(x, 5)', '(round x 5)'],
    ['day_of_week()', '(day_of_week)'],
    ['label_join(x, "d", ",", "a", "b", "c")', '(label_join x "d" "," "a" "b" "c")'],
    ['label_join(x, "d", ",")', '(label_join x "d" ",")'],
    ['histogram_quantile(0.9, rate(x_bucket[5m]))', '(histogram_quantile 0.9 (rate x_bucket[300000]))'],
    ['histogram_quantiles(x, "q", 0.5, 0.9)', '(histogram_quantiles x "q" 0.5 0.9)'],
    ['sort_by_label(x, "a", "b")', '(sort_by_label x "a" "b")'],
    ['info(x, {k="v"})', '(info x {…})'],
    ['info(x, {__name__="build_info"})', '(info x {…})'],
    ['info(x, {})', '(info x {…})'],
    ['max_of(1, 2)', '(max_of 1 2)'],
    ['step() + range() + start() + end()', '(+ (+ (+ (step) (range)) (start)) (end))'],
    ['limitk(2, x)', '(limitk 2 x)'],
    ['mad_over_time(x[5m])', '(mad_over_time x[300000])'],
    ['double_exponential_smoothing(x[5m], 0.5, 0.5)', '(double_exponential_smoothing x[300000] 0.5 0.5)'],
    ['ts_of_max_over_time(x[5m])', '(ts_of_max_over_time x[300000])'],
    ['vector(1m)', '(vector 60)'],
    ['histogram_count(x)', '(histogram_count x)'],
  ])('%s', (q, want) => {
    expect(tree(q)).toBe(want);
  });

  it.each([
    ['foo(x)', '1:1: parse error: unknown function with name "foo"'],
    ['a > b()', '1:5: parse error: unknown function with name "b"'],
    ['Rate(x[5m])', '1:1: parse error: unknown function with name "Rate"'],
    ['floor()', '1:1: parse error: expected 1 argument(s) in call to "floor", got 0'],
    ['floor(x, y)', '1:1: parse error: expected 1 argument(s) in call to "floor", got 2'],
    ['time(x)', '1:1: parse error: expected 0 argument(s) in call to "time", got 1'],
    ['hour(x, x)', '1:1: parse error: expected at most 1 argument(s) in call to "hour", got 2'],
    ['label_join(x, "a")', '1:1: parse error: expected at least 3 argument(s) in call to "label_join", got 2'],
    ['rate(x)', '1:6: parse error: expected type range vector in call to function "rate", got instant vector'],
    ['abs(x[5m])', '1:5: parse error: expected type instant vector in call to function "abs", got range vector'],
    ['floor(1)', '1:7: parse error: expected type instant vector in call to function "floor", got scalar'],
    ['clamp(x, "a", 1)', '1:10: parse error: expected type scalar in call to function "clamp", got string'],
    ['label_join(x, "d", ",", 1)', '1:25: parse error: expected type string in call to function "label_join", got scalar'],
    ['rate(x[5m],)', '1:11: parse error: trailing commas not allowed in function call args'],
    ['info(x, y)', '1:9: parse error: expected label selectors only, got vector selector instead'],
    ['info(x, {k="v"} == 1)', '1:9: parse error: expected label selectors only'],
    ['info(x, "s")', '1:1: parse error: expected type instant vector in call to function "info", got string'],
  ])('%s fails', (q, want) => {
    expect(failure(q)).toBe(want);
  });

  it('knows every Prometheus 3 function, with its types', () => {
    expect(Object.keys(FUNCTION_SIGNATURES)).toHaveLength(90);
    expect(FUNCTION_SIGNATURES.rate).toEqual({ argTypes: ['matrix'], variadic: 0, returnType: 'vector' });
    expect(FUNCTION_SIGNATURES.label_join).toEqual({ argTypes: ['vector', 'string', 'string', 'string'], variadic: -1, returnType: 'vector' });
    expect(FUNCTION_SIGNATURES.sort_by_label?.experimental).toBe(true);
    for (const name of ['histogram_avg', 'histogram_count', 'histogram_sum', 'histogram_stddev', 'histogram_stdvar', 'histogram_fraction']) {
      expect(FUNCTION_SIGNATURES[name]).toBeDefined();
    }
  });
});

describe('parseExpr: aggregations', () => {
  it.each([
    ['sum(x)', '(sum x)'],
    ['sum by (a, b) (x)', '(sum by(a,b) x)'],
    ['sum(x) by (a)', '(sum by(a) x)'],
    ['sum without (a) (x)', '(sum without(a) x)'],
    ['sum(x) without ()', '(sum without() x)'],
    ['SUM BY (a,) (x)', '(sum by(a) x)'],
    ['sum by (on, offset, sum, bool, "a.b") (x)', '(sum by(on,offset,sum,bool,a.b) x)'],
    ['topk(3, x)', '(topk 3 x)'],
    ['bottomk by (a) (3, x)', '(bottomk by(a) 3 x)'],
    ['quantile(0.9, x)', '(quantile 0.9 x)'],
    ['count_values("v", x)', '(count_values "v" x)'],
    ['limit_ratio(0.5, x)', '(limit_ratio 0.5 x)'],
    ['stddev(x) + stdvar(x)', '(+ <one-to-one> (stddev x) (stdvar x))'],
    ['group(x)', '(group x)'],
    ['avg(min(x)) / max(count(x))', '(/ <one-to-one> (avg (min x)) (max (count x)))'],
  ])('%s', (q, want) => {
    expect(tree(q)).toBe(want);
  });

  it.each([
    ['sum()', '1:1: parse error: no arguments for aggregate expression provided'],
    ['topk(x)', '1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1'],
    ['sum(1, x)', '1:1: parse error: wrong number of arguments for aggregate expression provided, expected 1, got 2'],
    ['topk(x, y)', '1:6: parse error: expected type scalar in aggregation parameter, got instant vector'],
    ['count_values(5, x)', '1:14: parse error: expected type string in aggregation parameter, got scalar'],
    ['sum(x[5m])', '1:5: parse error: expected type instant vector in aggregation expression, got range vector'],
    ['sum by ("") (x)', '1:9: parse error: invalid label name for grouping: ""'],
    ['sum(x) by (a) by (b)', '1:15: parse error: unexpected <by>'],
    ['sum(x y)', '1:7: parse error: unexpected identifier "y" in aggregation'],
  ])('%s fails', (q, want) => {
    expect(failure(q)).toBe(want);
  });
});
