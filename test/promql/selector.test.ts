import { describe, expect, it } from 'vitest';
import { parseSeriesSelector } from '../../promql/selector.ts';

const errorOf = (text: string) => {
  try {
    parseSeriesSelector(text);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
};
const show = (text: string) => parseSeriesSelector(text).map((m) => `${m.name}${m.type}${JSON.stringify(m.value)}`);

describe('parseSeriesSelector', () => {
  it.each([
    ['up', ['__name__="up"']],
    ['up{job="node", instance=~"h.+"}', ['__name__="up"', 'job="node"', 'instance=~"h.+"']],
    ['up{}', ['__name__="up"']],
    ['{"up", job!="x",}', ['__name__="up"', 'job!="x"']],
    ['  {job="a"}  ', ['job="a"']],
    // A query would refuse these; a selector is only grammar, so they parse and the caller decides.
    ['{}', []],
    ['{job=""}', ['job=""']],
    ['{__name__=~".*"}', ['__name__=~".*"']],
    ['up{__name__="x"}', ['__name__="up"', '__name__="x"']],
  ])('%s', (text, matchers) => {
    expect(show(text)).toEqual(matchers);
  });

  // Messages as Prometheus 2.42 answers them for /api/v1/series?match[]=… (checked against the real server),
  // except for the empty selector: Prometheus 3 gives an empty query no position (posrange.StartPosInput).
  it.each([
    ['', 'unknown position: parse error: unexpected end of input'],
    ['rate(up[5m])', '1:5: parse error: unexpected "("'],
    ['sum(up)', '1:4: parse error: unexpected "("'],
    ['up[5m]', '1:3: parse error: unexpected "["'],
    ['1', '1:1: parse error: unexpected number "1"'],
    ['up offset 5m', '1:4: parse error: unexpected <offset>'],
    ['up{job="a"} + 1', '1:13: parse error: unexpected <op:+>'],
    ['up{', '1:4: parse error: unexpected end of input inside braces'],
    ['up{job="a}', '1:8: parse error: unterminated quoted string'],
    ['{,}', '1:2: parse error: unexpected "," in label matching, expected identifier or "}"'],
  ])('refuses %j', (text, message) => {
    expect(errorOf(text)).toBe(message);
  });
});
