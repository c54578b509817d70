import { describe, expect, it } from 'vitest';
import { formatDurationMs } from '../../promql/duration.ts';
import { parseExpr } from '../../promql/parse.ts';
import { exprString } from '../../promql/print.ts';

// Expected texts follow Prometheus 3.x' Expr.String() (promql/parser/printer.go); an empty expectation means the
// input is already in canonical form.
const CASES: ReadonlyArray<readonly [string, string]> = [
  // Aggregations: the grouping goes before the arguments, `by ()` disappears, `without ()` stays.
  ['sum(rate(x[5m])) by (job)', 'sum by (job) (rate(x[5m]))'],
  ['sum by() (x)', 'sum(x)'],
  ['sum without() (x)', 'sum without () (x)'],
  ['avg  without(instance,job)(x)', 'avg without (instance, job) (x)'],
  ['count by("foo.bar", job) (x)', 'count by ("foo.bar", job) (x)'],
  ['sum by("_ok") (x)', 'sum by (_ok) (x)'],
  ['TOPK(5, x)', 'topk(5, x)'],
  ['count_values("value", x)', ''],
  ['quantile without(a) (0.9, x)', 'quantile without (a) (0.9, x)'],
  // Binary operators and their modifiers.
  ['a+b*c', 'a + b * c'],
  ['(a+b)*c', '(a + b) * c'],
  ['up>bool 0', 'up > bool 0'],
  ['a - on() c', 'a - on () c'],
  ['a - on(b) c', 'a - on (b) c'],
  ['a - on(b) group_left c', 'a - on (b) group_left () c'],
  ['a - on(b) group_left(x, y) c', 'a - on (b) group_left (x, y) c'],
  ['a / ignoring(b) group_right(z) c', 'a / ignoring (b) group_right (z) c'],
  ['a - ignoring() c', 'a - c'],
  ['a - ignoring() group_left(__name__) c', 'a - ignoring () group_left (__name__) c'],
  ['a and b', ''],
  ['a or on(x) b', 'a or on (x) b'],
  ['a unless ignoring(y) b', 'a unless ignoring (y) b'],
  ['a atan2 b', ''],
  ['1 == bool 2', ''],
  ['a / on("foo.bar") b', 'a / on ("foo.bar") b'],
  // Selectors: matchers sorted as whole strings, the name outside the braces only if it was written there.
  ['x{c="d", a="b"}', 'x{a="b",c="d"}'],
  ['x{b!~"1", b!="2", b=~"3", b="4"}', 'x{b!="2",b!~"1",b="4",b=~"3"}'],
  ['{__name__="a"}', ''],
  ['{__name__=~"a.*"}', ''],
  ['{__name__="",a="x"}', ''],
  ['{"a.b"}', '{__name__="a.b"}'],
  ['{"a.b"="c"}', ''],
  ['{"_0"="1"}', '{_0="1"}'],
  ['{"0"="1"}', ''],
  ['{`a`=`b\\c`}', '{a="b\\\\c"}'],
  ["x{a='it\\'s \"q\"'}", 'x{a="it\'s \\"q\\""}'],
  // @ and offset: @ first, seconds with three decimals; matrix and subquery modifiers after the range.
  ['a offset 1m', ''],
  ['a offset -7m', ''],
  ['a offset 5m @ 10', 'a @ 10.000 offset 5m'],
  ['a @ -1.5', 'a @ -1.500'],
  ['a @ 1609746000', 'a @ 1609746000.000'],
  ['a @ start()', ''],
  ['a[1m] @ end()', ''],
  ['a{c="d"}[5m] offset 1m', ''],
  ['a[12m] @ 100 offset -3m', 'a[12m] @ 100.000 offset -3m'],
  ['rate(x[5m])[30m:1m]', ''],
  ['x[1h:]', ''],
  ['x[1h:5m] offset 1m @ end()', 'x[1h:5m] @ end() offset 1m'],
  // Durations in their canonical units.
  ['x[90s]', 'x[1m30s]'],
  ['x[7d]', 'x[1w]'],
  ['x[8d]', 'x[8d]'],
  ['x[365d]', 'x[1y]'],
  ['x[366d]', 'x[366d]'],
  ['x[1500ms]', 'x[1s500ms]'],
  ['x[5]', 'x[5s]'],
  ['x[0.25]', 'x[250ms]'],
  ['x[120m:60s]', 'x[2h:1m]'],
  // Numbers: Go's FormatFloat(v, 'f', -1), never an exponent; a duration literal stays a duration.
  ['1048576', ''],
  ['1e6', '1000000'],
  ['1.5e-7', '0.00000015'],
  ['0x10', '16'],
  ['010', '8'],
  ['-1', ''],
  ['+1', '1'],
  ['- -2', '2'],
  ['Inf', '+Inf'],
  ['-inf', '-Inf'],
  ['nan', 'NaN'],
  ['time() - 5m', ''],
  ['time() + 90s', 'time() + 1m30s'],
  ['-1h30m', ''],
  // Strings: Go's strconv.Quote, whatever quotes were used.
  ["label_replace(x, 'dst', `$1`, 'src', `(.*)\\d`)", 'label_replace(x, "dst", "$1", "src", "(.*)\\\\d")'],
  ['"\\u00e9\\t\\x01\\u200b"', '"é\\t\\x01\\u200b"'],
  ['"\\xc3\\xa9"', '"é"'],
  // Unary operators and parentheses are kept as written.
  ['-(a + b)', ''],
  ['-a ^ 2', ''],
  ['(-a) ^ 2', ''],
  ['((a))', ''],
  ['-(1)', ''],
  ['predict_linear(foo[1h], 24*60*60)', 'predict_linear(foo[1h], 24 * 60 * 60)'],
  ['time()', ''],
];

describe('exprString (Prometheus’ String())', () => {
  it.each(CASES)('%s', (input, expected) => {
    expect(exprString(parseExpr(input))).toBe(expected === '' ? input : expected);
  });

  it('writes a label selector with no matchers, as info()’s second argument, as nothing', () => {
    // Prometheus' printer does the same (its output `info(x, )` does not parse again).
    expect(exprString(parseExpr('info(x, {})'))).toBe('info(x, )');
  });

  it('writes U+FFFD, the parser’s stand-in for invalid UTF-8, as an escape that parses again', () => {
    const out = exprString(parseExpr('count_values("a\\xc5z", x)'));
    expect(out).toBe('count_values("a\\ufffdz", x)');
    expect(exprString(parseExpr(out))).toBe(out);
  });

  it('sorts matchers by UTF-8 bytes, as Go does, not by UTF-16 units', () => {
    // In UTF-16 '😀' (D83D DE00) comes before '～' (FF5E); in UTF-8 '～' (EF BD 9E) comes before '😀' (F0 9F …).
    expect(exprString(parseExpr('x{a="😀", a="～"}'))).toBe('x{a="～",a="😀"}');
  });
});

describe('formatDurationMs (model.Duration)', () => {
  it.each([
    [0, '0s'],
    [1, '1ms'],
    [61_001, '1m1s1ms'],
    [3_600_000 * 25, '1d1h'],
    [86_400_000 * 14, '2w'],
    [86_400_000 * 15, '15d'],
    [86_400_000 * 730, '2y'],
    [86_400_000 * 731, '731d'],
    [-90_000, '-1m30s'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDurationMs(ms)).toBe(text);
  });
});
