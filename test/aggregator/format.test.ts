import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatScalar, formatValue } from '../../aggregator/api/format.ts';
import { openApiFixture, query, type ApiFixture } from './api-fixture.ts';

// Prometheus writes a sample's value with jsonutil.MarshalFloat and a scalar's with FormatFloat(v, 'f', -1, 64):
// the two differ only below 1e-6 and from 1e21 up (checked against Prometheus 2.42's HTTP API).
describe.each([
  [1e21, '1e+21', '1000000000000000000000'],
  [1e-7, '1e-07', '0.0000001'],
  [-2.5e-8, '-2.5e-08', '-0.000000025'],
  [1.2345e25, '1.2345e+25', '12345000000000000000000000'],
  [-1.5e-10, '-1.5e-10', '-0.00000000015'],
  [5e-324, '5e-324', `0.${'0'.repeat(323)}5`],
  [1e100, '1e+100', `1${'0'.repeat(100)}`],
  [1e-6, '0.000001', '0.000001'],
  [9.99e20, '999000000000000000000', '999000000000000000000'],
  [1.5, '1.5', '1.5'],
  [123456789012, '123456789012', '123456789012'],
  [0, '0', '0'],
  [-0, '-0', '-0'],
  [NaN, 'NaN', 'NaN'],
  [Infinity, '+Inf', '+Inf'],
  [-Infinity, '-Inf', '-Inf'],
])('%s', (v, sample, scalar) => {
  it(`is ${sample} in a sample`, () => expect(formatValue(v)).toBe(sample));
  it(`is ${scalar} as a scalar`, () => expect(formatScalar(v)).toBe(scalar));
});

describe('values in query results', () => {
  let api: ApiFixture;
  beforeAll(async () => {
    api = await openApiFixture();
  });
  afterAll(() => api.close());

  it('are written the way Prometheus writes each result type', async () => {
    const result = async (q: string) => (await api.request(query('/api/v1/query', [['query', q], ['time', '100']]))).json().data.result;
    expect(await result('1e21')).toEqual([100, '1000000000000000000000']);
    expect(await result('vector(1e21)')).toEqual([{ metric: {}, value: [100, '1e+21'] }]);
    expect(await result('vector(0) * -1')).toEqual([{ metric: {}, value: [100, '-0'] }]);
  });
});
