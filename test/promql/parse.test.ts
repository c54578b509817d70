import { describe, expect, it } from 'vitest';
import { QueryError } from '../../promql/errors.ts';
import { parseExpr } from '../../promql/parse.ts';

const shape = (q: string) => parseExpr(q).matchers.map((m) => [m.name, m.type, m.value]);

function failure(q: string): QueryError {
  try {
    parseExpr(q);
  } catch (err) {
    expect(err).toBeInstanceOf(QueryError);
    expect((err as QueryError).type).toBe('bad_data');
    return err as QueryError;
  }
  throw new Error(`${q} parsed`);
}

describe('parseExpr: selectors', () => {
  it('reads all four matcher kinds, metric name first', () => {
    expect(shape('http_requests_total{code="200", method!="GET", path=~"/api/.*", host!~"test-.+"}')).toEqual([
      ['__name__', '=', 'http_requests_total'],
      ['code', '=', '200'],
      ['method', '!=', 'GET'],
      ['path', '=~', '/api/.*'],
      ['host', '!~', 'test-.+'],
    ]);
  });

  it('builds working matchers: regexes are fully anchored, missing labels are empty', () => {
    const [, eq, ne, re, nre] = parseExpr('x{a="1", b!="2", c=~"ab|cd", d!~"x.*"}').matchers;
    expect([eq?.matches('1'), eq?.matches('10')]).toEqual([true, false]);
    expect([ne?.matches('2'), ne?.matches('')]).toEqual([false, true]);
    expect([re?.matches('ab'), re?.matches('cd'), re?.matches('abcd'), re?.matches('xab')]).toEqual([true, true, false, false]);
    expect([nre?.matches('xyz'), nre?.matches('yx'), nre?.matches('')]).toEqual([false, true, true]);
  });

  it('reads a quoted (UTF-8) metric name inside braces, alone or with matchers', () => {
    expect(shape('{"a.b"}')).toEqual([['__name__', '=', 'a.b']]);
    expect(shape('{"my.metric", "host.name"="h1", job="x"}')).toEqual([
      ['__name__', '=', 'my.metric'],
      ['host.name', '=', 'h1'],
      ['job', '=', 'x'],
    ]);
  });

  it('accepts a selector without a metric name when one matcher is non-empty', () => {
    expect(shape('{job="node"}')).toEqual([['job', '=', 'node']]);
    expect(shape('{__name__=~"up|down"}')).toEqual([['__name__', '=~', 'up|down']]);
    expect(shape('{a="", b=~".+"}')).toEqual([
      ['a', '=', ''],
      ['b', '=~', '.+'],
    ]);
  });

  it('unquotes Go escapes in single and double quotes, and nothing in backticks', () => {
    const value = (q: string) => parseExpr(q).matchers[1]?.value;
    expect(value(`x{a="tab\\there \\"q\\" back\\\\slash"}`)).toBe('tab\there "q" back\\slash');
    expect(value(`x{a='it\\'s \\x41\\u00e9\\U0001F600\\101\\n'}`)).toBe("it's Aé😀A\n");
    expect(value('x{a=`raw \\n \\d+ "q"`}')).toBe('raw \\n \\d+ "q"');
    expect(value('x{a=~`\\d+`}')).toBe('\\d+');
    expect(parseExpr('x{a=~`\\d+`}').matchers[1]?.matches('123')).toBe(true);
  });
});

describe('parseExpr: errors', () => {
  it('points at an unfinished selector with Prometheus wording', () => {
    const err = failure('foo{');
    expect(err.message).toMatch(/^1:5: parse error: /);
    expect(err.message).toContain('end of input');
  });

  it('counts lines and columns from one', () => {
    expect(failure('foo{\n  a=~"("}').message).toMatch(/^2:3: parse error: invalid regular expression/);
    expect(failure('foo bar').message).toMatch(/^1:5: parse error: /);
  });

  it.each([['{}'], ['{a=""}'], ['{a=~".*"}'], ['{a!~"x"}'], ['{a="", b=~".*"}']])(
    '%s must contain at least one non-empty matcher',
    (q) => {
      expect(failure(q).message).toMatch(/^1:1: parse error: vector selector must contain at least one non-empty matcher$/);
    },
  );

  it.each([['foo{__name__="bar"}'], ['foo{"bar"}'], ['{"a", "b"}'], ['{"a", __name__="a"}']])(
    '%s sets the metric name twice',
    (q) => {
      expect(failure(q).message).toContain('metric name must not be set twice');
    },
  );

  it('refuses invalid regular expressions and unknown escapes at the matcher', () => {
    expect(failure('up{job=~"(unclosed"}').message).toMatch(/^1:4: parse error: invalid regular expression "\(unclosed"/);
    expect(failure('up{job!~"[z-a]"}').message).toContain('invalid regular expression');
    expect(failure('up{job="\\q"}').message).toMatch(/^1:\d+: parse error: .*escape/);
  });

  it.each([['rate(x[5m])'], ['x[5m]'], ['sum(x)'], ['x + 1'], ['1'], ['"s"'], ['x offset 5m'], ['-x']])(
    '%s is not supported yet and says so as bad_data',
    (q) => {
      expect(failure(q).message).toMatch(/^1:\d+: parse error: /);
    },
  );

  it('refuses empty input', () => {
    expect(failure('').message).toMatch(/parse error/);
    expect(failure('   ').message).toMatch(/parse error/);
  });
});
