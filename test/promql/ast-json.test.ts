import { describe, expect, it } from 'vitest';
import { astJson } from '../../promql/ast-json.ts';
import { parseExpr } from '../../promql/parse.ts';

const tree = (q: string) => astJson(parseExpr(q));
const selector = (name: string, matchers: Array<[string, string, string]>, extra: Record<string, unknown> = {}) => ({
  anchored: false,
  matchers: matchers.map(([n, type, value]) => ({ name: n, type, value })),
  name,
  offset: 0,
  offsetExpr: null,
  smoothed: false,
  startOrEnd: null,
  timestamp: null,
  type: 'vectorSelector',
  ...extra,
});

describe('astJson (Prometheus’ translateAST for /api/v1/parse_query)', () => {
  it('writes keys in Go’s map order, alphabetical, so the JSON text is Prometheus’ byte for byte', () => {
    expect(JSON.stringify(tree('-x'))).toBe(
      '{"expr":{"anchored":false,"matchers":[{"name":"__name__","type":"=","value":"x"}],"name":"x","offset":0,' +
        '"offsetExpr":null,"smoothed":false,"startOrEnd":null,"timestamp":null,"type":"vectorSelector"},"op":"-","type":"unaryExpr"}',
    );
  });

  it('puts the matcher of a name written before the braces last, where Prometheus’ parser appends it', () => {
    expect(tree('up{job="a",instance!~"b.*"}')).toEqual(
      selector('up', [['job', '=', 'a'], ['instance', '!~', 'b.*'], ['__name__', '=', 'up']]),
    );
  });

  it('leaves the name empty when it was written inside the braces', () => {
    expect(tree('{"a.b", c="d"}')).toEqual(selector('', [['__name__', '=', 'a.b'], ['c', '=', 'd']]));
    expect(tree('{__name__=~"x|y"}')).toEqual(selector('', [['__name__', '=~', 'x|y']]));
  });

  it('gives offsets, ranges, steps and @ times in milliseconds', () => {
    expect(tree('rate(x[5m] offset 1h @ 100.5)')).toEqual({
      args: [
        {
          anchored: false,
          matchers: [{ name: '__name__', type: '=', value: 'x' }],
          name: 'x',
          offset: 3_600_000,
          offsetExpr: null,
          range: 300_000,
          rangeExpr: null,
          smoothed: false,
          startOrEnd: null,
          timestamp: 100_500,
          type: 'matrixSelector',
        },
      ],
      func: { argTypes: ['matrix'], name: 'rate', returnType: 'vector', variadic: 0 },
      type: 'call',
    });
    expect(tree('x[1h:] @ end() offset -5m')).toEqual({
      expr: selector('x', [['__name__', '=', 'x']]),
      offset: -300_000,
      offsetExpr: null,
      range: 3_600_000,
      rangeExpr: null,
      startOrEnd: 'end',
      step: 0,
      stepExpr: null,
      timestamp: null,
      type: 'subquery',
    });
    expect(tree('x @ start()')).toMatchObject({ startOrEnd: 'start', timestamp: null });
  });

  it('describes aggregations, with a null param and [] grouping when absent', () => {
    expect(tree('sum(x)')).toEqual({
      expr: selector('x', [['__name__', '=', 'x']]),
      grouping: [],
      op: 'sum',
      param: null,
      type: 'aggregation',
      without: false,
    });
    expect(tree('topk without (a, b) (3, x)')).toMatchObject({
      grouping: ['a', 'b'],
      op: 'topk',
      param: { type: 'numberLiteral', val: '3' },
      without: true,
    });
  });

  it('gives vector matching only between two instant vectors, set operators many-to-many', () => {
    const matching = (card: string, labels: string[], on: boolean, include: string[]) => ({
      card,
      fillValues: { lhs: null, rhs: null },
      include,
      labels,
      on,
    });
    expect(tree('a / on (b) group_left (c) d')).toMatchObject({ matching: matching('many-to-one', ['b'], true, ['c']), op: '/' });
    expect(tree('a + d')).toMatchObject({ matching: matching('one-to-one', [], false, []) });
    expect(tree('a and ignoring (x) d')).toMatchObject({ matching: matching('many-to-many', ['x'], false, []), op: 'and' });
    expect(tree('a > bool 1')).toEqual({
      bool: true,
      lhs: selector('a', [['__name__', '=', 'a']]),
      matching: null,
      op: '>',
      rhs: { type: 'numberLiteral', val: '1' },
      type: 'binaryExpr',
    });
  });

  it('writes numbers with Go’s FormatFloat(v, \'f\', -1), durations as their seconds', () => {
    expect(tree('1e21')).toEqual({ type: 'numberLiteral', val: '1000000000000000000000' });
    expect(tree('-Inf')).toEqual({ type: 'numberLiteral', val: '-Inf' });
    expect(tree('NaN')).toEqual({ type: 'numberLiteral', val: 'NaN' });
    expect(tree('1m30s')).toEqual({ type: 'numberLiteral', val: '90' });
  });

  it('keeps strings unquoted, parentheses, and function signatures as Prometheus declares them', () => {
    expect(tree('("a\\nb")')).toEqual({ expr: { type: 'stringLiteral', val: 'a\nb' }, type: 'parenExpr' });
    expect(tree('label_join(x, "d", ",", "a", "b")')).toMatchObject({
      func: { argTypes: ['vector', 'string', 'string', 'string'], name: 'label_join', returnType: 'vector', variadic: -1 },
    });
    expect(tree('time()')).toEqual({ args: [], func: { argTypes: [], name: 'time', returnType: 'scalar', variadic: 0 }, type: 'call' });
    expect(tree('round(x)')).toMatchObject({ func: { argTypes: ['vector', 'scalar'], variadic: 1 } });
  });
});
