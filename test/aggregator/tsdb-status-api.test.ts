import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiError, openApiFixture, type ApiFixture } from './api-fixture.ts';

const T = 1_700_000_000_000;
let api: ApiFixture;
beforeEach(async () => {
  api = await openApiFixture();
});
afterEach(() => api.close());

describe('/api/v1/status/tsdb', () => {
  it('answers an empty store as Prometheus answers an empty head, time bounds included', async () => {
    const res = await api.request('/api/v1/status/tsdb');
    expect(res.status).toBe(200);
    expect(res.type).toContain('application/json');
    expect(res.text).toContain(
      '{"status":"success","data":{"headStats":{"numSeries":0,"numLabelPairs":0,"chunkCount":0,"minTime":9223372036854775807,"maxTime":-9223372036854775808},' +
        '"seriesCountByMetricName":[],"labelValueCountByLabelName":[],"memoryInBytesByLabelName":[],"seriesCountByLabelValuePair":[],"samples":0,',
    );
  });

  it('counts series, label pairs and chunks, ranks the top entries, and reports bytes per sample', async () => {
    const samples = [];
    for (let i = 0; i < 300; i++) {
      for (const instance of ['h1', 'h2', 'h3']) samples.push({ labels: { __name__: 'up', job: 'node', instance }, t: T + i * 15_000, v: 1 });
      samples.push({ labels: { __name__: 'load', job: 'node', instance: 'h1' }, t: T + i * 15_000, v: i / 10 });
    }
    await api.append(samples);
    await api.storage.maintain();
    const { data } = (await api.request('/api/v1/status/tsdb')).json();
    expect(Object.keys(data)).toEqual([
      'headStats', 'seriesCountByMetricName', 'labelValueCountByLabelName', 'memoryInBytesByLabelName', 'seriesCountByLabelValuePair',
      'samples', 'bytes', 'bytesPerSample', 'counters',
    ]);
    // 300 samples a series: one stored chunk of 240 and a head chunk of 60 each.
    expect(data.headStats).toEqual({ numSeries: 4, numLabelPairs: 6, chunkCount: 8, minTime: T, maxTime: T + 299 * 15_000 });
    expect(data.seriesCountByMetricName).toEqual([{ name: 'up', value: 3 }, { name: 'load', value: 1 }]);
    expect(data.labelValueCountByLabelName).toEqual([{ name: 'instance', value: 3 }, { name: '__name__', value: 2 }, { name: 'job', value: 1 }]);
    // Prometheus' size of a label: each string with a one-byte length prefix, once per series that carries it.
    expect(data.memoryInBytesByLabelName).toEqual([
      { name: '__name__', value: 3 * (9 + 3) + (9 + 5) },
      { name: 'instance', value: 4 * (9 + 3) },
      { name: 'job', value: 4 * (4 + 5) },
    ]);
    expect(data.seriesCountByLabelValuePair).toEqual([
      { name: 'job=node', value: 4 },
      { name: '__name__=up', value: 3 },
      { name: 'instance=h1', value: 2 },
      { name: '__name__=load', value: 1 },
      { name: 'instance=h2', value: 1 },
      { name: 'instance=h3', value: 1 },
    ]);
    expect(data.samples).toBe(1200);
    expect(data.bytes).toBeGreaterThan(0);
    expect(data.bytesPerSample).toBeGreaterThan(0);
    expect(data.counters).toMatchObject({ samplesAppended: 1200, seriesCreated: 4, samplesTooOld: 0 });
    const top = (await api.request('/api/v1/status/tsdb?limit=1')).json().data;
    expect(top.seriesCountByLabelValuePair).toEqual([{ name: 'job=node', value: 4 }]);
    expect(top.labelValueCountByLabelName).toHaveLength(1);
  });

  it.each([
    ['0', 'limit must be a positive number'],
    ['-1', 'limit must be a positive number'],
    ['ten', 'limit must be a positive number'],
    ['1.5', 'limit must be a positive number'],
    ['10001', 'limit must not exceed 10000'],
  ])('refuses limit=%s as Prometheus does', async (limit, message) => {
    const res = await api.request(`/api/v1/status/tsdb?limit=${limit}`);
    expect(res.status).toBe(400);
    expect(res.text).toBe(apiError(message));
  });
});
