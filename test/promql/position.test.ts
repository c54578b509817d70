import { describe, expect, it } from 'vitest';
import type { Expr } from '../../promql/ast.ts';
import { parseExpr } from '../../promql/parse.ts';
import { callArgPos, operandPos, startPosInput } from '../../promql/position.ts';

describe('startPosInput: line:column as Prometheus writes positions', () => {
  it.each([
    ['rate(x[5m])', 5, '1:6'],
    ['x', 0, '1:1'],
    ['x', 1, '1:2'],
    ['sum(\n  rate(x[5m])\n)', 12, '2:8'],
    ['a\n\nb', 3, '3:1'],
    // Go counts bytes: é is two, 😀 (two UTF-16 units) four.
    ['{a="é"} + b', 10, '1:12'],
    ['"😀" + b', 7, '1:10'],
    ['é\nb', 2, '2:1'],
    // Only \n ends a line; \r is one more byte of it.
    ['a\r\nb', 3, '2:1'],
    ['a\rb', 2, '1:3'],
    ['', 0, 'unknown position'],
    ['x', 2, 'invalid position'],
    ['x', -1, 'invalid position'],
  ])('%j at %i is %s', (query, offset, want) => {
    expect(startPosInput(query, offset)).toBe(want);
  });
});

describe('parsed nodes carry where they start', () => {
  const call = (q: string) => parseExpr(q) as Extract<Expr, { kind: 'call' }>;

  it('points an argument at its own first character, a signed number at its sign', () => {
    const q = 'quantile_over_time(-0.5, x[5m] offset 1m)';
    const { args } = call(q);
    expect(args.map((a) => a.pos)).toEqual([q.indexOf('-0.5'), q.indexOf('x[')]);
    expect(parseExpr('  x').pos).toBe(2);
  });

  it('skips the parentheses Prometheus drops around arguments and parameters', () => {
    const q = 'histogram_quantile(((0.9)), (x))';
    const { args } = call(q);
    expect(args.map(operandPos)).toEqual([q.indexOf('0.9'), q.indexOf('x')]);
    expect(args.map((_, i) => callArgPos(args, i))).toEqual([q.indexOf('0.9'), q.indexOf('x')]);
  });

  it('points a subquery given as a range argument at the query start, as Prometheus’ replacement selector does', () => {
    const { args } = call('rate((x[5m:1m]))');
    expect(callArgPos(args, 0)).toBe(0);
    expect(operandPos(args[0] as Expr)).toBe(6);
    expect(callArgPos(args, 1)).toBeUndefined();
  });

  it('starts a binary expression at its left operand, a subquery at its expression, a matrix selector at its metric', () => {
    const b = parseExpr('1 + max_over_time((x)[5m:])') as Extract<Expr, { kind: 'binary' }>;
    const rhs = b.rhs as Extract<Expr, { kind: 'call' }>;
    expect([b.pos, rhs.pos, rhs.args[0]?.pos]).toEqual([0, 4, 18]);
    expect(call('rate( {a="b"}[5m])').args[0]?.pos).toBe(6);
  });
});
