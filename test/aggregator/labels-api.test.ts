import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, formPost, openApiFixture, query, type ApiFixture } from './api-fixture.ts';

const T = 1_700_000_000_000;
const S = T / 1000;

let api: ApiFixture;

beforeAll(async () => {
  api = await openApiFixture();
  await api.append([
    { labels: { __name__: 'up', instance: 'h1', job: 'node' }, v: 1, t: T },
    { labels: { __name__: 'up', instance: 'h2', job: 'db' }, v: 0, t: T },
    { labels: { __name__: 'up', instance: 'h2', job: 'db' }, v: 0, t: T + 15_000, stale: true },
    { labels: { __name__: 'temp', zone: 'x' }, v: 20, t: T - 3_600_000 },
    { labels: { __name__: 'temp', zone: 'y' }, v: 21, t: T - 3_600_000 },
  ]);
});

afterAll(() => api.close());

const data = async (url: string, init?: RequestInit) => {
  const res = await api.request(url, init);
  expect(res.status, res.text).toBe(200);
  return res.json();
};

describe('/api/v1/labels', () => {
  it('lists label names, all or of the series matching any match[]', async () => {
    expect(await data('/api/v1/labels')).toEqual({ status: 'success', data: ['__name__', 'instance', 'job', 'zone'] });
    expect((await data(query('/api/v1/labels', [['match[]', 'temp']]))).data).toEqual(['__name__', 'zone']);
    const two = await data(query('/api/v1/labels', [['match[]', 'temp'], ['match[]', 'up{job="db"}']]));
    expect(two.data).toEqual(['__name__', 'instance', 'job', 'zone']);
  });

  it('counts only series with a sample between start and end, both included', async () => {
    expect((await data(query('/api/v1/labels', [['start', String(S)]]))).data).toEqual(['__name__', 'instance', 'job']);
    expect((await data(query('/api/v1/labels', [['end', String(S - 3600)]]))).data).toEqual(['__name__', 'zone']);
    expect((await data(query('/api/v1/labels', [['start', String(S + 1)], ['end', String(S + 14)]]))).data).toEqual([]);
  });

  it('reads a form-encoded POST', async () => {
    expect((await data('/api/v1/labels', formPost([['match[]', 'temp'], ['start', String(S - 3600)]]))).data).toEqual(['__name__', 'zone']);
  });

  it('cuts the list at limit with Prometheus 3’s warning', async () => {
    expect(await data(query('/api/v1/labels', [['limit', '2']]))).toEqual({
      status: 'success',
      data: ['__name__', 'instance'],
      warnings: ['results truncated due to limit'],
    });
    expect(await data(query('/api/v1/labels', [['limit', '4']]))).toEqual({ status: 'success', data: ['__name__', 'instance', 'job', 'zone'] });
  });
});

describe('/api/v1/label/<name>/values', () => {
  it('lists the values of one label, all or by match[] (any of several)', async () => {
    expect(await data('/api/v1/label/job/values')).toEqual({ status: 'success', data: ['db', 'node'] });
    expect((await data('/api/v1/label/__name__/values')).data).toEqual(['temp', 'up']);
    expect((await data(query('/api/v1/label/job/values', [['match[]', 'up{instance="h2"}']]))).data).toEqual(['db']);
    const two = query('/api/v1/label/__name__/values', [['match[]', 'up{instance="h2"}'], ['match[]', '{zone="x"}']]);
    expect((await data(two)).data).toEqual(['temp', 'up']);
    expect((await data('/api/v1/label/nothing/values')).data).toEqual([]);
  });

  it('honours start, end and limit', async () => {
    expect((await data(query('/api/v1/label/instance/values', [['start', String(S + 15)]]))).data).toEqual(['h2']);
    expect((await data(query('/api/v1/label/zone/values', [['start', String(S)]]))).data).toEqual([]);
    expect(await data(query('/api/v1/label/zone/values', [['limit', '1']]))).toEqual({ status: 'success', data: ['x'], warnings: ['results truncated due to limit'] });
  });

  it('takes any UTF-8 name and the U__ escape of one, as Prometheus 3 does', async () => {
    expect((await data('/api/v1/label/U__job/values')).data).toEqual(['db', 'node']);
    expect((await data('/api/v1/label/U__z_6f_ne/values')).data).toEqual(['x', 'y']);
    expect((await data('/api/v1/label/U______name____/values')).data).toEqual(['temp', 'up']);
    for (const name of ['1bad', 'host.name', '%E2%9C%93', 'U__bad_zz_escape', 'U__open_6f']) {
      expect((await data(`/api/v1/label/${name}/values`)).data, name).toEqual([]);
    }
  });

  it.each([
    ['%FF', 'invalid label name: "\\xff"'],
    ['a%C3', 'invalid label name: "a\\xc3"'],
    ['%E2%9C%93%FFz', 'invalid label name: "✓\\xffz"'],
    ['U__', 'invalid label name: ""'],
  ])('refuses the name %s', async (name, message) => {
    const res = await api.request(`/api/v1/label/${name}/values`);
    expect(res.status).toBe(400);
    expect(res.text).toBe(apiError(message));
  });
});

describe('parameter errors of both', () => {
  // Unlike /series, the label endpoints report selector errors without naming the parameter.
  it.each([
    ['/api/v1/labels', [['match[]', '{}']], 'match[] must contain at least one non-empty matcher'],
    ['/api/v1/labels', [['match[]', 'up{']], '1:4: parse error: unexpected end of input inside braces'],
    ['/api/v1/labels', [['limit', '-3']], 'invalid parameter "limit": limit must be non-negative'],
    ['/api/v1/labels', [['start', 'soon'], ['match[]', '{}']], 'invalid parameter "start": invalid time value for \'start\': cannot parse "soon" to a valid timestamp'],
    ['/api/v1/label/job/values', [['match[]', 'up offset 5m']], '1:4: parse error: unexpected <offset>'],
    ['/api/v1/label/job/values', [['end', 'x'], ['limit', 'y']], 'invalid parameter "limit": strconv.Atoi: parsing "y": invalid syntax'],
    ['/api/v1/label/job/values', [['end', 'x']], 'invalid parameter "end": invalid time value for \'end\': cannot parse "x" to a valid timestamp'],
    ['/api/v1/label/%FF/values', [['limit', 'y']], 'invalid label name: "\\xff"'],
  ] as [string, [string, string][], string][])('%s %j', async (path, params, message) => {
    const res = await api.request(query(path, params));
    expect(res.status).toBe(400);
    expect(res.text).toBe(apiError(message));
  });
});
