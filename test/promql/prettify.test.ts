import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../promql/ast.ts';
import { parseExpr } from '../../promql/parse.ts';
import { prettify } from '../../promql/prettify.ts';
import { exprString } from '../../promql/print.ts';
import { testdataQueries, testSourceQueries } from '../helpers/promql-corpus.ts';

const lines = (...ls: string[]) => ls.join('\n');

// With a 10-byte limit, as Prometheus' prettier_test.go sets maxCharactersPerLine, every rule shows on short input.
const NARROW: ReadonlyArray<readonly [string, string]> = [
  ['sum(foo)', 'sum(foo)'],
  ['sum by() (metric_name)', lines('sum(', '  metric_name', ')')],
  ['sum(metric_name) without(job,foo)', lines('sum without (job, foo) (', '  metric_name', ')')],
  ['topk(10, metric_name)', lines('topk(', '  10,', '  metric_name', ')')],
  ['sum by(a) (max by(b) (metric_name))', lines('sum by (a) (', '  max by (b) (', '    metric_name', '  )', ')')],
  ['a+b', 'a + b'],
  ['a == bool 1', lines('  a', '== bool', '  1')],
  ['a + ignoring(job) b', lines('  a', '+ ignoring (job)', '  b')],
  ['first + second + third', lines('    first', '  +', '    second', '+', '  third')],
  ['abc + de + third', lines('  abc + de', '+', '  third')],
  ['a1 - on(i) group_right b2', lines('  a1', '- on (i) group_right ()', '  b2')],
  ['rate(metric[1m])', lines('rate(', '  metric[1m]', ')')],
  ['histogram_quantile(0.9, rate(m[1m]))', lines('histogram_quantile(', '  0.9,', '  rate(', '    m[1m]', '  )', ')')],
  ['label_join(m, "d", ",", "a")', lines('label_join(', '  m,', '  "d",', '  ",",', '  "a"', ')')],
  ['(foo)', '(foo)'],
  ['(long_name)', lines('(', '  long_name', ')')],
  ['((long_nm))', lines('(', '  (long_nm)', ')')],
  ['(1 + 2)', '(1 + 2)'],
  ['(long_a + long_b)', lines('(', '    long_a', '  +', '    long_b', ')')],
  ['-1', '-1'],
  ['-metric_name', '-metric_name'],
  ['(-metric_name)', lines('(', '  -metric_name', ')')],
  ['-rate(m[1m] @ start())', lines('-rate(', '  m[1m] @ start()', ')')],
  ['-(long_a + long_b)', lines('-(', '    long_a', '  +', '    long_b', ')')],
  // Selectors are never split, however long.
  ['metric_name{a="1",b="2"}[5m] offset 1h', 'metric_name{a="1",b="2"}[5m] offset 1h'],
  ['metric_name @ 100', 'metric_name @ 100.000'],
  // A split subquery writes its suffix after the inner expression's last line.
  ['rate(metric[1m])[5m:] offset 1m', lines('rate(', '  metric[1m]', ')[5m:] offset 1m')],
  [
    'max_over_time(rate(m[1m])[5m:1m] @ start())',
    lines('max_over_time(', '  rate(', '    m[1m]', '  )[5m:1m] @ start()', ')'),
  ],
  // Length counts UTF-8 bytes, as Go's len() does: 8 characters, 12 bytes.
  ['("éééé")', lines('(', '  "éééé"', ')')],
];

describe('prettify (Prometheus’ Prettify)', () => {
  it.each(NARROW)('%s', (input, expected) => {
    expect(prettify(parseExpr(input), { maxLineBytes: 10 })).toBe(expected);
  });

  it('keeps a subquery that fits on one line without the indentation of its level, as Prometheus does', () => {
    const e = parseExpr('max_over_time(rate(m[1m])[5m:1m])');
    expect(prettify(e, { maxLineBytes: 30 })).toBe(lines('max_over_time(', 'rate(m[1m])[5m:1m]', ')'));
  });

  it('splits at 100 bytes by default and leaves anything shorter on one line in canonical form', () => {
    const short = 'sum(rate(http_requests_total{job="api",code=~"5.."}[5m])) by (instance)';
    expect(prettify(parseExpr(short))).toBe('sum by (instance) (rate(http_requests_total{code=~"5..",job="api"}[5m]))');
    const long =
      'sum by (instance) (rate(http_requests_total{job="api",code=~"5.."}[5m])) / sum by (instance) (rate(http_requests_total{job="api"}[5m])) > 0.05';
    expect(prettify(parseExpr(long))).toBe(
      lines(
        '    sum by (instance) (rate(http_requests_total{code=~"5..",job="api"}[5m]))',
        '  /',
        '    sum by (instance) (rate(http_requests_total{job="api"}[5m]))',
        '>',
        '  0.05',
      ),
    );
  });

  it('splits exactly above the limit: 100 bytes stay on one line, 101 do not', () => {
    const call = (n: number) => `abs(${'m'.repeat(n - 5)})`;
    expect(prettify(parseExpr(call(100)))).toBe(call(100));
    expect(prettify(parseExpr(call(101)))).toBe(lines('abs(', `  ${'m'.repeat(96)}`, ')'));
  });
});

/**
 * The tree with what printing normalises left out: matcher order (printed sorted) and where the metric name was
 * written (`{"a"}` prints as `{__name__="a"}`); the matchers carry the name either way. Matcher functions go too,
 * and positions in the text, which layout moves.
 */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'function' && k !== 'name' && k !== 'nameInBraces' && k !== 'pos') out[k] = canonical(x);
  }
  const e = v as Expr;
  if (e.kind === 'vector_selector') out.matchers = e.matchers.map((m) => `${m.name}${m.type}${JSON.stringify(m.value)}`).sort();
  return out;
}

// `info(x, {})`: Prometheus writes an empty label selector as nothing, text that does not parse; kept identical.
const PRINTS_UNPARSEABLE = new Set(['info(x, {})']);

describe('parse(prettify(parse(x))) is parse(x), over every expression the project’s tests use', () => {
  const corpus = [...new Set([...testdataQueries(), ...testSourceQueries()])].filter((q) => !PRINTS_UNPARSEABLE.has(q));

  it('finds a broad corpus', () => {
    expect(corpus.length).toBeGreaterThan(1000);
  });

  for (const maxLineBytes of [100, 10]) {
    it(`holds with lines split above ${maxLineBytes} bytes`, () => {
      const failures: string[] = [];
      for (const q of corpus) {
        const before = parseExpr(q);
        const text = prettify(before, { maxLineBytes });
        try {
          const after = parseExpr(text);
          if (!isDeepStrictEqual(canonical(after), canonical(before))) failures.push(`${q}\n  => ${text}: different tree`);
          else if (prettify(after, { maxLineBytes }) !== text) failures.push(`${q}\n  => ${text}: not a fixed point`);
        } catch (err) {
          failures.push(`${q}\n  => ${text}: ${(err as Error).message}`);
        }
      }
      expect(failures).toEqual([]);
    });
  }

  it('has the one-line form whenever it fits, and that form reads back as the same text', () => {
    for (const q of corpus) {
      const one = exprString(parseExpr(q));
      if (Buffer.byteLength(one) <= 100) expect(prettify(parseExpr(q))).toBe(one);
      expect(exprString(parseExpr(one))).toBe(one);
    }
  });
});
