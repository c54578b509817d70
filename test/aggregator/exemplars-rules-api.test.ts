import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, formPost, openApiFixture, query, type ApiFixture } from './api-fixture.ts';

let api: ApiFixture;
beforeAll(async () => {
  api = await openApiFixture();
  await api.append([{ labels: { __name__: 'up', job: 'node' }, v: 1, t: 1_700_000_000_000 }]);
});
afterAll(() => api.close());

describe('/api/v1/query_exemplars', () => {
  it('finds no exemplars for a valid query, by GET or form POST', async () => {
    for (const [url, init] of [
      [query('/api/v1/query_exemplars', [['query', 'rate(up[5m]) > 0'], ['start', '1700000000'], ['end', '1700000100']])],
      ['/api/v1/query_exemplars', formPost([['query', 'sum by (job) (up)']])],
    ] as [string, RequestInit?][]) {
      const res = await api.request(url, init);
      expect(res.status).toBe(200);
      expect(res.text).toBe('{"status":"success","data":[]}');
    }
  });

  it('answers 204 and no body when the query selects no series, as Prometheus does', async () => {
    for (const q of ['1 + 1', 'time()', 'vector(1)', '"text"']) {
      const res = await api.request(query('/api/v1/query_exemplars', [['query', q]]));
      expect(res.status, q).toBe(204);
      expect(res.text).toBe('');
    }
    expect((await api.request(query('/api/v1/query_exemplars', [['query', 'abs(-up)']]))).status).toBe(200);
  });

  it.each([
    [[], 'unknown position: parse error: no expression found in input'],
    [[['query', 'up{']], '1:4: parse error: unexpected end of input inside braces'],
    [[['query', 'up'], ['start', 'x']], 'invalid parameter "start": invalid time value for \'start\': cannot parse "x" to a valid timestamp'],
    [[['query', 'up{'], ['end', 'y']], 'invalid parameter "end": invalid time value for \'end\': cannot parse "y" to a valid timestamp'],
    [[['query', 'up{'], ['start', '10'], ['end', '5']], 'end timestamp must not be before start timestamp'],
  ] as [[string, string][], string][])('refuses %j', async (params, message) => {
    const res = await api.request(query('/api/v1/query_exemplars', params));
    expect(res.status).toBe(400);
    expect(res.text).toBe(apiError(message));
  });
});

describe('/api/v1/rules and /api/v1/alerts', () => {
  it('answer empty, in Prometheus’ shape', async () => {
    expect((await api.request('/api/v1/rules')).text).toBe('{"status":"success","data":{"groups":[]}}');
    expect((await api.request('/api/v1/alerts')).text).toBe('{"status":"success","data":{"alerts":[]}}');
    const filtered = query('/api/v1/rules', [['type', 'ALERT'], ['exclude_alerts', 'True'], ['match[]', 'up'], ['group_limit', '5']]);
    expect((await api.request(filtered)).json()).toEqual({ status: 'success', data: { groups: [] } });
  });

  it.each([
    [[['match[]', '{}'], ['type', 'x']], 'match[] must contain at least one non-empty matcher'],
    [[['type', 'Recording']], 'invalid parameter "type": not supported value "recording"'],
    [[['exclude_alerts', 'Yes']], 'invalid parameter "exclude_alerts": error converting exclude_alerts: strconv.ParseBool: parsing "yes": invalid syntax'],
    [[['group_next_token', 'abc']], 'invalid parameter "group_next_token": group_limit needs to be present in order to paginate over the groups'],
    [[['group_limit', 'ten']], 'invalid parameter "group_limit": group_limit needs to be a valid number: strconv.ParseInt: parsing "ten": invalid syntax'],
    [[['group_limit', '2147483648']], 'invalid parameter "group_limit": group_limit needs to be a valid number: strconv.ParseInt: parsing "2147483648": value out of range'],
    [[['group_limit', '0']], 'invalid parameter "group_limit": group_limit needs to be greater than 0'],
    [[['group_limit', '2'], ['group_next_token', 'abc']], "invalid parameter \"group_next_token\": invalid group_next_token 'abc'. were rule groups changed?"],
  ] as [[string, string][], string][])('/rules refuses %j', async (params, message) => {
    const res = await api.request(query('/api/v1/rules', params));
    expect(res.status).toBe(400);
    expect(res.text).toBe(apiError(message));
  });
});
