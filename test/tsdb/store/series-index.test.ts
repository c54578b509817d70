import { describe, expect, it } from 'vitest';
import { regexLiterals } from '../../../aggregator/store/regex-literals.ts';
import { SeriesIndex } from '../../../aggregator/store/series-index.ts';
import { prng } from '../../../bench/node-like-series.ts';
import type { Labels } from '../../../protocol/labels.ts';
import { makeMatcher, matchesAll, type Matcher, type MatchType } from '../../../promql/matcher.ts';

const NAMES = ['__name__', 'job', 'instance', 'zone'];
const VALUES = ['', 'foo', 'foobar', 'fo', 'bar', 'baz', 'a.b', 'a|b', 'x', 'FOO', 'f(o)', 'ü'];
const REGEXES = [
  '.*', '.+', 'foo', 'fo.*', 'foo|bar', '(foo|bar)', 'foo|', '|x', 'a\\.b', 'a\\|b', '[ab].*', '(?i)FOO', 'f(o|x)o.*',
  'foo.*|bar', '.*oo', 'fo+', 'foo?', 'f\\(o\\)', 'a[|]b|x', 'fo{1,2}', '(?:foo)bar', 'ba(r|z)', '', 'ü|x',
];
const TYPES: MatchType[] = ['=', '!=', '=~', '!~'];

describe('SeriesIndex.resolve', () => {
  it('equals a scan of every series for random label sets and matchers, also after removals', () => {
    const rnd = prng(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    for (let round = 0; round < 40; round++) {
      const index = new SeriesIndex();
      const series = new Map<number, Labels>();
      for (let id = 1; id <= 60; id++) {
        const labels: Record<string, string> = {};
        for (const name of NAMES) if (rnd() < 0.7) labels[name] = pick(VALUES);
        series.set(id, labels);
        index.add(id, labels);
      }
      const gone = new Map([...series].filter(() => rnd() < 0.2));
      index.removeMany(gone);
      for (const id of gone.keys()) series.delete(id);
      for (let q = 0; q < 50; q++) {
        const matchers: Matcher[] = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => {
          const type = pick(TYPES);
          return makeMatcher(type, pick(NAMES), type === '=' || type === '!=' ? pick(VALUES) : pick(REGEXES));
        });
        const expected = [...series].filter(([, labels]) => matchesAll(labels, matchers)).map(([id]) => id);
        const described = matchers.map((m) => `${m.name}${m.type}${JSON.stringify(m.value)}`).join(', ');
        expect(index.resolve(matchers), described).toEqual(expected);
      }
    }
  });

  it('tests only the values a literal, an alternation or a literal prefix allows, never every series', () => {
    const index = new SeriesIndex();
    for (let id = 1; id <= 2000; id++) index.add(id, { __name__: 'up', instance: `host-${id}`, job: id % 2 ? 'node' : 'db' });
    const counted = (m: Matcher) => {
      let calls = 0;
      return { m: { ...m, matches: (v: string) => (calls++, m.matches(v)) }, calls: () => calls };
    };
    const prefix = counted(makeMatcher('=~', 'instance', 'host-19.*'));
    expect(index.resolve([prefix.m])).toEqual([19, ...Array.from({ length: 10 }, (_, i) => 190 + i), ...Array.from({ length: 100 }, (_, i) => 1900 + i)]);
    // The empty-string test, then the 111 values that start with "host-19".
    expect(prefix.calls()).toBe(112);
    const set = counted(makeMatcher('=~', 'instance', 'host-7|host-1234'));
    expect(index.resolve([set.m])).toEqual([7, 1234]);
    expect(set.calls()).toBe(3);
    const notEqual = counted(makeMatcher('!=', 'instance', 'host-5'));
    expect(index.resolve([makeMatcher('=', 'job', 'node'), notEqual.m])).toHaveLength(999);
    expect(notEqual.calls()).toBe(2);
  });

  it('drops values and names left without series', () => {
    const index = new SeriesIndex();
    index.add(1, { __name__: 'a', x: '1' });
    index.add(2, { __name__: 'a', y: '2' });
    index.removeMany(new Map([[2, { __name__: 'a', y: '2' }]]));
    expect(index.names()).toEqual(['__name__', 'x']);
    expect([...index.valuesOf('__name__').entries()]).toEqual([['a', [1]]]);
    expect(index.resolve([makeMatcher('=~', 'y', '.+')])).toEqual([]);
    expect(index.size).toBe(1);
  });
});

describe('regexLiterals', () => {
  it.each([
    ['foo', { kind: 'set', values: ['foo'] }],
    ['foo|bar|foo', { kind: 'set', values: ['foo', 'bar'] }],
    ['(?:a|b\\.c)', { kind: 'set', values: ['a', 'b.c'] }],
    ['a|', { kind: 'set', values: ['a', ''] }],
    ['', { kind: 'set', values: [''] }],
    ['node_(cpu|mem).*', { kind: 'prefix', prefix: 'node_' }],
    ['abc*', { kind: 'prefix', prefix: 'ab' }],
    ['a\\.b.+', { kind: 'prefix', prefix: 'a.b' }],
    ['foo.*|bar', { kind: 'none' }],
    ['a[(]|b', { kind: 'none' }],
    ['(?i)foo', { kind: 'none' }],
    ['\\Qa.b\\E', { kind: 'none' }],
    ['.*foo', { kind: 'none' }],
    ['\\d+', { kind: 'none' }],
  ])('%s', (source, expected) => {
    expect(regexLiterals(source)).toEqual(expected);
  });
});
