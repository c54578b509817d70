import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, formPost, openApiFixture, query, type ApiFixture } from './api-fixture.ts';

const T = 1_700_000_000_000; // 2023-11-14T22:13:20Z
const S = T / 1000;

const h1 = { __name__: 'up', instance: 'h1', job: 'node' };
const h2 = { __name__: 'up', instance: 'h2', job: 'db' };
const temp = { __name__: 'temp', zone: 'x' };
// An upper-case label name sorts before __name__ (byte order), so this series comes first of all.
const load = { Zone: 'a', __name__: 'node_load1' };

let api: ApiFixture;

beforeAll(async () => {
  api = await openApiFixture();
  await api.append([
    { labels: h1, v: 1, t: T },
    { labels: h2, v: 0, t: T },
    { labels: h1, v: 2, t: T + 15_000 },
    { labels: h2, v: 0, t: T + 15_000, stale: true },
    { labels: temp, v: 20, t: T - 3_600_000 },
    { labels: load, v: 0.5, t: T },
  ]);
});

afterAll(() => api.close());

const series = async (params: [string, string][], init?: RequestInit) => {
  const res = await api.request(init ? '/api/v1/series' : query('/api/v1/series', params), init);
  expect(res.status, res.text).toBe(200);
  return res.json();
};

describe('/api/v1/series', () => {
  it('lists matching label sets in Prometheus’ label order', async () => {
    expect(await series([['match[]', '{__name__=~".+"}']])).toEqual({ status: 'success', data: [load, temp, h1, h2] });
    expect((await series([['match[]', 'up{job="db"}']])).data).toEqual([h2]);
  });

  it('unites several match[] and lists each series once', async () => {
    const res = await api.request(query('/api/v1/series', [['match[]', 'up'], ['match[]', '{job="node"}'], ['match[]', 'temp']]));
    expect(res.text).toBe(`{"status":"success","data":[${[temp, h1, h2].map((l) => JSON.stringify(l)).join(',')}]}`);
  });

  it.each([
    ['exactly at a sample', String(S + 15), String(S + 15), [h1, h2]],
    ['between samples', String(S + 0.001), String(S + 14.999), []],
    ['at the old sample only', String(S - 3600), String(S - 3600), [temp]],
    ['from RFC 3339 on', '2023-11-14T22:13:20Z', '', [load, h1, h2]],
    ['up to a time', '', String(S - 1), [temp]],
    ['start after end', String(S + 15), String(S), []],
    ['Prometheus’ own min and max times', '-292273086-05-16T16:47:06Z', '292277025-08-18T07:12:54.999999999Z', [load, temp, h1, h2]],
  ])('keeps series with a sample (a staleness marker too) in [start, end]: %s', async (_, start, end, want) => {
    const params: [string, string][] = [['match[]', '{__name__=~".+"}'], ['start', start], ['end', end]];
    expect((await series(params)).data).toEqual(want);
  });

  it('reads a form-encoded POST', async () => {
    const body = await series([], formPost([['match[]', 'up'], ['start', String(S + 15)]]));
    expect(body.data).toEqual([h1, h2]);
  });

  it('cuts the list at limit and says so, as Prometheus 3 does', async () => {
    const all = [['match[]', '{__name__=~".+"}']] as [string, string][];
    expect(await series([...all, ['limit', '2']])).toEqual({ status: 'success', data: [load, temp], warnings: ['results truncated due to limit'] });
    expect(await series([...all, ['limit', '4']])).toEqual({ status: 'success', data: [load, temp, h1, h2] });
    expect((await series([...all, ['limit', '0']])).data).toHaveLength(4);
    expect((await series([...all, ['limit', '+3']])).data).toHaveLength(3);
  });

  const refusals: [[string, string][], string][] = [
    [[], 'no match[] parameter provided'],
    [[['limit', 'x']], 'no match[] parameter provided'],
    [[['match[]', 'up'], ['limit', 'x']], 'invalid parameter "limit": strconv.Atoi: parsing "x": invalid syntax'],
    [[['match[]', 'up'], ['limit', '1.5']], 'invalid parameter "limit": strconv.Atoi: parsing "1.5": invalid syntax'],
    [[['match[]', 'up'], ['limit', '-1']], 'invalid parameter "limit": limit must be non-negative'],
    [[['match[]', 'up'], ['limit', '99999999999999999999']], 'invalid parameter "limit": strconv.Atoi: parsing "99999999999999999999": value out of range'],
    [[['match[]', 'up'], ['limit', 'x'], ['start', 'x']], 'invalid parameter "limit": strconv.Atoi: parsing "x": invalid syntax'],
    [[['match[]', 'up'], ['start', 'abc']], 'invalid parameter "start": invalid time value for \'start\': cannot parse "abc" to a valid timestamp'],
    [[['match[]', 'up{'], ['end', '2023-11-14T22:13:20']], 'invalid parameter "end": invalid time value for \'end\': cannot parse "2023-11-14T22:13:20" to a valid timestamp'],
    [[['match[]', 'up{']], 'invalid parameter "match[]": 1:4: parse error: unexpected end of input inside braces'],
    [[['match[]', 'rate(up[5m])']], 'invalid parameter "match[]": 1:5: parse error: unexpected "("'],
    [[['match[]', 'up'], ['match[]', '{}']], 'invalid parameter "match[]": match[] must contain at least one non-empty matcher'],
    [[['match[]', '{job=~".*", zone=""}']], 'invalid parameter "match[]": match[] must contain at least one non-empty matcher'],
  ];
  it.each(refusals)('refuses %j', async (params, message) => {
    const res = await api.request(query('/api/v1/series', params));
    expect(res.status).toBe(400);
    expect(res.type).toContain('application/json');
    expect(res.text).toBe(apiError(message));
  });
});
