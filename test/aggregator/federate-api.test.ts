import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { federationContentType } from '../../aggregator/api/federate.ts';
import { parseExposition, SCRAPE_ACCEPT_HEADER } from '../../agent/collect/scrape/expfmt.ts';
import { DEFAULT_ENGINE } from '../../promql/engine.ts';
import { openApiFixture, query, type ApiFixture } from './api-fixture.ts';

const T = 1_700_000_000_000;
const NOW = T + 60_000;
const LOOKBACK = 300_000;

let api: ApiFixture;
beforeAll(async () => {
  api = await openApiFixture({ now: () => NOW, engine: { ...DEFAULT_ENGINE, lookbackMs: LOOKBACK } });
  const h1 = { __name__: 'up', instance: 'h1', job: 'node' };
  const h2 = { __name__: 'up', instance: 'h2', job: 'db' };
  await api.append([
    { labels: h1, v: 1, t: T },
    { labels: h1, v: 2.5, t: T + 15_000 },
    { labels: h2, v: 0, t: T },
    { labels: h2, v: 0, t: T + 15_000, stale: true },
    { labels: { __name__: 'temp', zone: 'x' }, v: 3, t: NOW - LOOKBACK - 1 },
    { labels: { __name__: 'temp', zone: 'y' }, v: 1e21, t: T + 30_000 },
    { labels: { __name__: 'temp', zone: 'z' }, v: -0.25, t: NOW - LOOKBACK },
    { labels: { __name__: 'node_load1', Zone: 'a' }, v: 0.5, t: T },
    { labels: { __name__: 'future', job: 'x' }, v: 1, t: NOW + 1 },
    { labels: { __name__: 'esc', path: 'a"b\\c\nd' }, v: NaN, t: NOW },
  ]);
});
afterAll(() => api.close());

const federate = (params: [string, string][], headers: Record<string, string> = {}) =>
  api.request(query('/federate', params), { headers });

describe('/federate', () => {
  it('writes the latest sample of each matching series in the text format, families by name, all untyped', async () => {
    const res = await federate([['match[]', '{__name__=~".+"}']]);
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/plain; version=0.0.4; charset=utf-8; escaping=underscores');
    expect(res.text).toBe(
      [
        '# TYPE esc untyped',
        `esc{path="a\\"b\\\\c\\nd",instance=""} NaN ${NOW}`,
        '# TYPE node_load1 untyped',
        `node_load1{Zone="a",instance=""} 0.5 ${T}`,
        '# TYPE temp untyped',
        `temp{zone="y",instance=""} 1e+21 ${T + 30_000}`,
        `temp{zone="z",instance=""} -0.25 ${NOW - LOOKBACK}`,
        '# TYPE up untyped',
        `up{instance="h1",job="node"} 2.5 ${T + 15_000}`,
        '',
      ].join('\n'),
    );
  });

  it('is what Prometheus’ own text parser reads back', async () => {
    const res = await federate([['match[]', 'up'], ['match[]', 'temp']]);
    const parsed = parseExposition(res.text, 'prometheus');
    expect(parsed.samples.map((s) => [s.labels, s.value, s.timestampMs])).toEqual([
      [{ __name__: 'temp', zone: 'y' }, 1e21, T + 30_000],
      [{ __name__: 'temp', zone: 'z' }, -0.25, NOW - LOOKBACK],
      [{ __name__: 'up', instance: 'h1', job: 'node' }, 2.5, T + 15_000],
    ]);
    expect([...parsed.metadata.values()]).toEqual([
      { name: 'temp', type: 'untyped' },
      { name: 'up', type: 'untyped' },
    ]);
  });

  it('writes a series matched by several match[] once', async () => {
    const res = await federate([['match[]', 'up'], ['match[]', '{job="node"}'], ['match[]', '{instance="h1"}']]);
    expect(res.text).toBe(`# TYPE up untyped\nup{instance="h1",job="node"} 2.5 ${T + 15_000}\n`);
  });

  it('answers an empty page without match[], or for a selector without matchers', async () => {
    for (const params of [[], [['match[]', '{}']], [['match[]', 'nothing']]] as [string, string][][]) {
      const res = await federate(params);
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
    }
  });

  it('answers a bad selector with Prometheus’ plain-text 400', async () => {
    const res = await federate([['match[]', 'up'], ['match[]', 'rate(up[5m])']]);
    expect(res.status).toBe(400);
    expect(res.type).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.text).toBe('1:5: parse error: unexpected "("\n');
  });
});

describe('federationContentType', () => {
  const base = 'text/plain; version=0.0.4; charset=utf-8; escaping=';
  it.each([
    ['no Accept header', undefined, 'underscores'],
    ['Prometheus 2.42’s scrape Accept', SCRAPE_ACCEPT_HEADER, 'underscores'],
    [
      'Prometheus 3’s, naming UTF-8 on the text clauses',
      'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2',
      'allow-utf-8',
    ],
    ['an escaping on the chosen clause', 'text/plain;version=0.0.4;escaping=dots', 'dots'],
    ['an escaping only after the chosen clause', 'text/plain;q=0.9,text/html;escaping=values;q=0.5', 'underscores'],
    ['an unknown escaping', 'text/plain;escaping=bogus', 'underscores'],
    ['clauses out of q order', '*/*;q=0.1;escaping=values,text/plain;version=0.0.4;escaping=dots', 'dots'],
  ])('%s', (_, accept, escaping) => {
    expect(federationContentType(accept)).toBe(`${base}${escaping}`);
  });
});
