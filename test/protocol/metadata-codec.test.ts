import { Encoder } from 'cbor-x';
import { describe, expect, it } from 'vitest';
import { buildBatch, type CollectedSample } from '../../protocol/batch.ts';
import { WIRE_LIMITS, decodeBatch, encodeBatch } from '../../protocol/codec.ts';
import { ProtocolError } from '../../protocol/errors.ts';
import { METRIC_TYPES, type MetricMetadata } from '../../protocol/metadata.ts';

// Plain CBOR, as a third-party agent would write it: lets the tests forge tables the encoder never makes.
const raw = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false });
const T0 = 1_700_000_000_000;
const load: CollectedSample = { labels: { __name__: 'node_load1', job: 'node' }, v: 0.5, t: T0 };

function wire(meta: unknown): Uint8Array {
  return raw.encode({ v: 1, agent: 'edge-1', seq: 5, series: [['__name__', 'up']], s: [0], t: [T0], x: [1], meta });
}

function rejection(payload: Uint8Array): ProtocolError {
  try {
    decodeBatch(payload);
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError);
    return err as ProtocolError;
  }
  throw new Error('decodeBatch accepted the payload');
}

describe('batch metadata on the wire', () => {
  it('round trips every type, empty help and unit, and two descriptions of one family', () => {
    const metadata: MetricMetadata[] = [
      ...METRIC_TYPES.map((type, i) => ({ name: `m${i}`, type, help: `help of ${type} — "quoted" \\ ünïcode 🌡`, unit: '' })),
      { name: 'http_request_duration_seconds', type: 'histogram', help: '', unit: 'seconds' },
      { name: 'node_load1', type: 'gauge', help: '1m load average.', unit: '' },
      { name: 'node_load1', type: 'gauge', help: 'Load over one minute.', unit: '' },
    ];
    const got = decodeBatch(encodeBatch(buildBatch('edge-1', 3, [load], metadata)));
    expect(got.metadata).toEqual(metadata);
    expect(got.samples).toHaveLength(1);
  });

  it('carries a table with no samples', () => {
    const metadata: MetricMetadata[] = [{ name: 'up', type: 'gauge', help: 'Target health.', unit: '' }];
    const got = decodeBatch(encodeBatch(buildBatch('edge-1', 4, [], metadata)));
    expect(got.samples).toEqual([]);
    expect(got.metadata).toEqual(metadata);
  });

  it('leaves the key out when there is nothing to say, and reads batches written without it', () => {
    const payload = encodeBatch(buildBatch('edge-1', 1, [load]));
    expect(Object.keys(raw.decode(payload) as object)).not.toContain('meta');
    const plain = decodeBatch(payload);
    expect(plain).not.toHaveProperty('metadata');
    expect(plain.series).toEqual([load.labels]);
    expect(decodeBatch(raw.encode({ v: 1, agent: 'a', seq: 0, series: [], s: [], t: [], x: [] })).samples).toEqual([]);
  });

  it('keeps a table at the bounds', () => {
    const help = 'h'.repeat(WIRE_LIMITS.maxHelpLength);
    const unit = 'u'.repeat(WIRE_LIMITS.maxUnitLength);
    const many = Array.from({ length: WIRE_LIMITS.maxMetadataPerBatch }, (_, i) => [`m${i}`, 'gauge', '', '']);
    expect(decodeBatch(wire([['a', 'counter', help, unit]])).metadata).toEqual([{ name: 'a', type: 'counter', help, unit }]);
    expect(decodeBatch(wire(many)).metadata).toHaveLength(WIRE_LIMITS.maxMetadataPerBatch);
  });

  it.each<[string, unknown, string]>([
    ['a map instead of a list', { up: ['gauge', '', ''] }, 'meta'],
    ['a string', 'gauge', 'meta'],
    ['null', null, 'meta'],
    ['an entry that is a map', [{ name: 'up', type: 'gauge', help: '', unit: '' }], 'meta[0]'],
    ['an entry of three', [['up', 'gauge', '']], 'meta[0]'],
    ['an entry of five', [['up', 'gauge', '', '', '']], 'meta[0]'],
    ['a number in an entry', [['up', 'gauge', '', ''], ['x', 'gauge', 1, '']], 'meta[1]'],
    ['a null unit', [['up', 'gauge', '', null]], 'meta[0]'],
    ['an invalid family name', [['up', 'gauge', '', ''], ['1up', 'gauge', '', '']], 'meta[1].name'],
    ['an empty family name', [['', 'gauge', '', '']], 'meta[0].name'],
    ['the text format spelling of unknown', [['up', 'untyped', '', '']], 'meta[0].type'],
    ['a type in capitals', [['up', 'Gauge', '', '']], 'meta[0].type'],
    ['a help text over the bound', [['up', 'gauge', 'h'.repeat(WIRE_LIMITS.maxHelpLength + 1), '']], 'meta[0].help'],
    ['a unit over the bound', [['up', 'gauge', '', 'u'.repeat(WIRE_LIMITS.maxUnitLength + 1)]], 'meta[0].unit'],
    ['too many entries', Array.from({ length: WIRE_LIMITS.maxMetadataPerBatch + 1 }, () => ['up', 'gauge', '', '']), 'meta'],
  ])('rejects %s, naming the field', (_what, meta, field) => {
    const err = rejection(wire(meta));
    expect(err.code).toBe('invalid');
    expect(err.permanent).toBe(true);
    expect(err.field).toBe(field);
    expect(err.message.startsWith(`${field}: `)).toBe(true);
  });

  it('says which types are allowed', () => {
    expect(rejection(wire([['up', 'untyped', '', '']])).message).toBe(
      'meta[0].type: "untyped" is not one of counter, gauge, histogram, summary, info, stateset, gaugehistogram, unknown',
    );
  });
});
