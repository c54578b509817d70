import { describe, expect, it } from 'vitest';
import type { AtModifier, Expr } from '../../promql/ast.ts';
import { QueryError } from '../../promql/errors.ts';
import { exprType, parseExpr } from '../../promql/parse.ts';

/** The tree in one line: (op args…), selectors as name{matchers} with offset/@, [M …] matrix, [SQ …] subquery. */
function show(e: Expr): string {
  const mods = (x: { offsetMs: number; at?: AtModifier }) =>
    `${x.offsetMs ? ` offset ${x.offsetMs}` : ''}${x.at ? ` @ ${x.at.kind === 'time' ? x.at.ms : x.at.kind}` : ''}`;
  switch (e.kind) {
    case 'number':
      return String(e.value);
    case 'string':
      return JSON.stringify(e.value);
    case 'vector_selector': {
      const ms = e.matchers.map((m) => `${m.name}${m.type}${JSON.stringify(m.value)}`).join(',');
      return `${e.name ?? ''}{${ms}}${mods(e)}`;
    }
    case 'matrix_selector':
      return `[M ${show(e.selector)} ${e.rangeMs}]`;
    case 'subquery':
      return `[SQ ${show(e.expr)} ${e.rangeMs}:${e.stepMs ?? ''}${mods(e)}]`;
    case 'call':
      return `(${e.func}${e.args.map((a) => ` ${show(a)}`).join('')})`;
    case 'aggregate': {
      const g = e.without ? ` without(${e.grouping})` : e.grouping.length ? ` by(${e.grouping})` : '';
      return `(${e.op}${g}${e.param ? ` ${show(e.param)}` : ''} ${show(e.expr)})`;
    }
    case 'binary': {
      const m = e.matching;
      const match = m ? ` <${m.card}${m.labels.length || m.on ? ` ${m.on ? 'on' : 'ignoring'}(${m.labels})` : ''}${m.include.length ? ` +(${m.include})` : ''}>` : '';
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
    expect(err).toBeInstanceOf(QueryError);
    expect((err as QueryError).type).toBe('bad_data');
    return (err as QueryError).message;
  }
  throw new Error(`${q} parsed`);
}

describe('parseExpr: number and string literals', () => {
  it.each([
    ['1', '1'], ['.5', '0.5'], ['5.', '5'], ['1e3', '1000'], ['1.5E-3', '0.0015'], ['0x1F', '31'], ['0X_ff', '255'],
    ['010', '8'], ['09', '9'], ['1_000', '1000'], ['Inf', 'Infinity'], ['+inf', 'Infinity'], ['-Inf', '-Infinity'],
    ['NaN', 'NaN'], ['nan', 'NaN'], ['1m', '60'], ['1h30m', '5400'], ['90s', '90'], ['1ms', '0.001'], ['2d', '172800'],
    ['1w', '604800'], ['1y', '31536000'], ['-1', '-1'], ['- 1', '-1'], ['--1', '1'], ['+-1', '-1'], ['-(1)', '(u- (paren 1))'],
    ['99999999999999999999', '100000000000000000000'],
  ])('%s is %s', (q, want) => {
    expect(tree(q)).toBe(want);
  });

  it.each([
    [`"a\\tb\\"c\\\\"`, 'a\tb"c\\'], [`'it\\'s'`, "it's"], ['`raw \\n "q"`', 'raw \\n "q"'], [`"\\x41\\101\\u00e9\\U0001F600"`, 'AAé😀'],
    [`"\\xc3\\xa9"`, 'é'], [`"\\a\\b\\f\\n\\r\\v"`, '\x07\b\f\n\r\v'], [`'"'`, '"'], [`"'"`, "'"], ['""', ''],
  ])('string %s unquotes with Go rules', (q, want) => {
    const { pos: _pos, ...node } = parseExpr(q);
    expect(node).toEqual({ kind: 'string', value: want });
  });

  it.each([
    [`"\\'"`, "1:1: parse error: unknown escape sequence U+0027 '''"],
    [`'\\"'`, `1:1: parse error: unknown escape sequence U+0022 '"'`],
    [`"\\400"`, '1:1: parse error: escape sequence is an invalid Unicode code point'],
    [`"\\ud800"`, '1:1: parse error: escape sequence is an invalid Unicode code point'],
    [`"\\8"`, "1:1: parse error: unknown escape sequence U+0038 '8'"],
    [`"\\12"`, `1:1: parse error: illegal character U+0022 '"' in escape sequence`],
    ['"a\nb"', '1:1: parse error: unterminated quoted string'],
  ])('string %s is refused as Go refuses it', (q, want) => {
    expect(failure(q)).toBe(want);
  });
});

describe('parseExpr: selectors', () => {
  it.each([
    ['foo', 'foo{__name__="foo"}'],
    ['foo{a="1", b!="2", c=~"x.*", d!~"y"}', 'foo{__name__="foo",a="1",b!="2",c=~"x.*",d!~"y"}'],
    ['{a="b"}', '{a="b"}'],
    ['{"a.b"}', 'a.b{__name__="a.b"}'],
    ['{"a.b", "c.d"="e", f="g",}', 'a.b{__name__="a.b",c.d="e",f="g"}'],
    ['{__name__=~"up|down"}', '{__name__=~"up|down"}'],
    ['foo{}', 'foo{__name__="foo"}'],
    ['a:b:c', 'a:b:c{__name__="a:b:c"}'],
    ['sum', 'sum{__name__="sum"}'],
    ['by', 'by{__name__="by"}'],
    ['offset', 'offset{__name__="offset"}'],
    ['foo{on="x", offset="1", by="2", bool="3", inf="4"}', 'foo{__name__="foo",on="x",offset="1",by="2",bool="3",inf="4"}'],
    ['foo{a="b" # comment\n}', 'foo{__name__="foo",a="b"}'],
  ])('%s', (q, want) => {
    expect(tree(q)).toBe(want);
  });

  it('builds working matchers: regexes are fully anchored Go regexes with `.` matching newlines', () => {
    const e = parseExpr('x{a=~"ab|cd", b!~"x.*", c=~"(?i)foo", d=~".*(?i:ab)c", e=~"\\\\d+", f=~"a.b"}');
    if (e.kind !== 'vector_selector') throw new Error(e.kind);
    const m = Object.fromEntries(e.matchers.map((x) => [x.name, x.matches]));
    expect([m.a?.('ab'), m.a?.('abcd'), m.a?.('xab')]).toEqual([true, false, false]);
    expect([m.b?.('xyz'), m.b?.('yx'), m.b?.('')]).toEqual([false, true, true]);
    expect([m.c?.('FoO'), m.d?.('xABc'), m.d?.('xabC'), m.e?.('123'), m.f?.('a\nb')]).toEqual([true, true, false, true, true]);
  });

  it.each([
    ['{}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
    ['{a=""}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
    ['{a=~".*", b!="x"}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
    ['x + {a!~".+"}', '1:5: parse error: vector selector must contain at least one non-empty matcher'],
    ['foo{__name__="bar"}', '1:1: parse error: metric name must not be set twice: "foo" or "bar"'],
    ['foo{"bar"}', '1:1: parse error: metric name must not be set twice: "foo" or "bar"'],
    ['up{job=~"(unclosed"}', '1:4: parse error: invalid regular expression "(unclosed"'],
    ['up{job=~"a(?=b)"}', '1:4: parse error: invalid regular expression "a(?=b)"'],
    ['foo{\n  a=~"["}', '2:3: parse error: invalid regular expression "["'],
  ])('%s fails', (q, want) => {
    expect(failure(q).startsWith(want)).toBe(true);
  });

  it('accepts two quoted names in braces, as Prometheus does (they just match nothing)', () => {
    expect(tree('{"a", "b"}')).toBe('a{__name__="a",__name__="b"}');
  });
});

describe('parseExpr: ranges, subqueries, offset and @', () => {
  it.each([
    ['x[5m]', '[M x{__name__="x"} 300000]'],
    ['x[1h30m]', '[M x{__name__="x"} 5400000]'],
    ['x[1.5]', '[M x{__name__="x"} 1500]'],
    ['x[90]', '[M x{__name__="x"} 90000]'],
    ['x[5m:]', '[SQ x{__name__="x"} 300000:]'],
    ['x[5m:30s]', '[SQ x{__name__="x"} 300000:30000]'],
    ['rate(x[5m])[1h:1m]', '[SQ (rate [M x{__name__="x"} 300000]) 3600000:60000]'],
    ['x offset 5m', 'x{__name__="x"} offset 300000'],
    ['x offset -5m', 'x{__name__="x"} offset -300000'],
    ['x offset 1.5', 'x{__name__="x"} offset 1500'],
    ['x offset -(5m)', 'x{__name__="x"} offset -300000'],
    ['x[5m] offset 1m', '[M x{__name__="x"} offset 60000 300000]'],
    ['x[5m:] offset 1m @ 100', '[SQ x{__name__="x"} 300000: offset 60000 @ 100000]'],
    ['x @ 100 offset 1m', 'x{__name__="x"} offset 60000 @ 100000'],
    ['x @ 1.5', 'x{__name__="x"} @ 1500'],
    ['x @ -5', 'x{__name__="x"} @ -5000'],
    ['x @ 1m', 'x{__name__="x"} @ 60000'],
    ['x @ start()', 'x{__name__="x"} @ start'],
    ['x[5m] @ END()', '[M x{__name__="x"} @ end 300000]'],
    ['x offset 0s offset 1m', 'x{__name__="x"} offset 60000'],
    // Postfix modifiers bind tighter than any operator, to the last operand.
    ['a + b offset 5m', '(+ <one-to-one> a{__name__="a"} b{__name__="b"} offset 300000)'],
    ['-a offset 5m', '(u- a{__name__="a"} offset 300000)'],
    ['a / b @ 5 offset 1m', '(/ <one-to-one> a{__name__="a"} b{__name__="b"} offset 60000 @ 5000)'],
    ['a * sum_over_time(b[5m:1m])', '(* <one-to-one> a{__name__="a"} (sum_over_time [SQ b{__name__="b"} 300000:60000]))'],
  ])('%s', (q, want) => {
    expect(tree(q)).toBe(want);
  });

  it.each([
    ['x offset 1m offset 2m', '1:1: parse error: offset may not be set multiple times'],
    ['x[5m] offset 1m offset 2m', '1:1: parse error: offset may not be set multiple times'],
    ['x @ 1 @ 2', '1:1: parse error: @ <timestamp> may not be set multiple times'],
    ['x @ start() @ end()', '1:1: parse error: @ <timestamp> may not be set multiple times'],
    ['sum(x) offset 1m', '1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery'],
    ['(x) @ 5', '1:1: parse error: @ modifier must be preceded by an instant vector selector or range vector selector or a subquery'],
    ['x @ Inf', '1:1: parse error: timestamp out of bounds for @ modifier: +Inf'],
    ['x @ -Inf', '1:1: parse error: timestamp out of bounds for @ modifier: -Inf'],
    ['x @ NaN', '1:1: parse error: timestamp out of bounds for @ modifier: NaN'],
    ['x offset 1m [5m]', '1:13: parse error: no offset modifiers allowed before range'],
    ['x @ 5 [5m]', '1:7: parse error: no @ modifiers allowed before range'],
    ['sum(x)[5m]', '1:7: parse error: ranges only allowed for vector selectors'],
    ['x[5m][5m]', '1:6: parse error: ranges only allowed for vector selectors'],
    ['x[0s]', '1:3: parse error: duration must be greater than 0'],
    ['x[5m:0]', '1:6: parse error: duration must be greater than 0'],
    ['x[-1m]', '1:3: parse error: duration must be greater than 0'],
    ['x[5m1h]', '1:3: parse error: not a valid duration string: "5m1h"'],
    ['x[1.5m]', '1:3: parse error: unknown unit "." in duration "1.5m"'],
    ['x offset 9.5e10', '1:10: parse error: duration out of range'],
    ['x offset NaN', '1:10: parse error: duration out of range'],
    ['x[5m+1m]', '1:3: parse error: experimental duration expression is not enabled'],
    ['x[step()]', '1:3: parse error: experimental duration expression is not enabled'],
    ['x offset (5m)', '1:11: parse error: experimental duration expression is not enabled'],
    ['x[5m:1m][10m]', '1:9: parse error: ranges only allowed for vector selectors'],
    ['x[5m][10m:1m]', '1:1: parse error: subquery is only allowed on instant vector, got matrix instead'],
    ['1[5m:]', '1:1: parse error: subquery is only allowed on instant vector, got scalar instead'],
    ['x[5m] smoothed', '1:1: parse error: smoothed modifier is experimental and not enabled'],
  ])('%s fails', (q, want) => {
    expect(failure(q)).toBe(want);
  });
});

describe('exprType', () => {
  it.each([
    ['1', 'scalar'], ['"a"', 'string'], ['x', 'vector'], ['x[5m]', 'matrix'], ['x[5m:]', 'matrix'], ['rate(x[5m])', 'vector'],
    ['time()', 'scalar'], ['scalar(x)', 'scalar'], ['sum(x)', 'vector'], ['1 + 2', 'scalar'], ['1 + x', 'vector'],
    ['-x', 'vector'], ['-(1)', 'scalar'], ['(x[5m])', 'matrix'], ['("s")', 'string'], ['step()', 'scalar'],
  ])('%s is %s', (q, want) => {
    expect(exprType(parseExpr(q))).toBe(want);
  });
});
