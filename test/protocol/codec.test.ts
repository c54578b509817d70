import { Encoder } from 'cbor-x';
import { describe, expect, it } from 'vitest';
import { BATCH_VERSION, buildBatch, type Batch, type CollectedSample } from '../../protocol/batch.ts';
import {
  WIRE_LIMITS,
  decodeAck,
  decodeBatch,
  decodeStatus,
  encodeAck,
  encodeBatch,
  encodeStatus,
  type Ack,
} from '../../protocol/codec.ts';
import { ProtocolError, type ProtocolErrorCode } from '../../protocol/errors.ts';
import { LABEL_LIMITS } from '../../protocol/labels.ts';

// Plain CBOR, as any third-party agent would write it: lets the tests forge payloads the encoder never makes.
const raw = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false });
const T0 = 1_700_000_000_000;

function wire(overrides: Record<string, unknown> = {}): Uint8Array {
  const base: Record<string, unknown> = {
    v: 1,
    agent: 'edge-1',
    seq: 5,
    series: [['__name__', 'up', 'job', 'node']],
    s: [0, 0],
    t: [T0, 1000],
    x: [1, 0],
  };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete base[k];
    else base[k] = v;
  }
  return raw.encode(base);
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

function expectRejected(payload: Uint8Array, code: ProtocolErrorCode, field: string | RegExp): ProtocolError {
  const err = rejection(payload);
  expect(err.code).toBe(code);
  if (typeof field === 'string') expect(err.field).toBe(field);
  else expect(err.field).toMatch(field);
  expect(err.message.startsWith(`${err.field}: `)).toBe(true);
  return err;
}

const roundTrip = (b: Batch) => decodeBatch(encodeBatch(b));

describe('batch round trip', () => {
  it('keeps labels, timestamps (out of order and equal) and flags, with one table entry per label set', () => {
    const up = { __name__: 'up', job: 'node', instance: 'h1:9100' };
    const temp = { __name__: 'node_hwmon_temp_celsius', chip: 'k10temp', sensor: 'temp1' };
    const collected: CollectedSample[] = [
      { labels: up, v: 1, t: T0 },
      { labels: temp, v: 41.5, t: T0 },
      { labels: up, v: 1, t: T0 + 15_000 },
      { labels: { sensor: 'temp1', chip: 'k10temp', __name__: 'node_hwmon_temp_celsius' }, v: 42, t: T0 + 15_000 },
      { labels: up, v: 0, t: T0 + 5_000 }, // out of order: a negative delta on the wire
      { labels: up, v: 7, t: T0 + 5_000 }, // equal timestamp: a zero delta
      { labels: temp, v: 0, t: 0 }, // back to the epoch: a large negative delta
    ];
    const batch = buildBatch('edge-1', 42, collected);
    expect(batch.series).toHaveLength(2);
    const got = roundTrip(batch);
    expect(got.version).toBe(BATCH_VERSION);
    expect(got.agent).toBe('edge-1');
    expect(got.seq).toBe(42);
    expect(got.series).toEqual([up, temp]);
    expect(got.samples.map((s) => [s.series, s.t, s.v, s.stale])).toEqual([
      [0, T0, 1, false],
      [1, T0, 41.5, false],
      [0, T0 + 15_000, 1, false],
      [1, T0 + 15_000, 42, false],
      [0, T0 + 5_000, 0, false],
      [0, T0 + 5_000, 7, false],
      [1, 0, 0, false],
    ]);
  });

  it('keeps every float exactly, special values included', () => {
    const values = [0, 1e308, -1e308, 5e-324, -5e-324, Number.MAX_SAFE_INTEGER, 0.1, -2.5e-8, 2 ** 53 + 2, NaN, Infinity, -Infinity];
    const labels = { __name__: 'x' };
    const got = roundTrip(buildBatch('a', 1, values.map((v, i) => ({ labels, v, t: T0 + i }))));
    expect(got.samples.map((s) => s.v)).toEqual(values);
    expect(got.samples.every((s) => !s.stale)).toBe(true);
    expect(Number.isNaN(got.samples[9]?.v)).toBe(true);
  });

  it('sends -0 as a number equal to zero (CBOR integer encoding does not keep the sign)', () => {
    const got = roundTrip(buildBatch('a', 1, [{ labels: { __name__: 'x' }, v: -0, t: T0 }]));
    expect(got.samples[0]?.v === 0).toBe(true);
  });

  it('keeps exactly the stale flags it was given, distinct from a NaN value', () => {
    const a = { __name__: 'a' };
    const b = { __name__: 'b' };
    const got = roundTrip(
      buildBatch('a', 1, [
        { labels: a, v: 3, t: T0 },
        { labels: b, v: NaN, t: T0 },
        { labels: a, v: 4, t: T0 + 1, stale: true },
        { labels: b, v: 5, t: T0 + 1, stale: false },
        { labels: b, v: 0, t: T0 + 2, stale: true },
      ]),
    );
    expect(got.samples.map((s) => s.stale)).toEqual([false, false, true, false, true]);
    expect(got.samples.map((s) => s.series)).toEqual([0, 1, 0, 1, 1]);
    expect(Number.isNaN(got.samples[1]?.v)).toBe(true);
    expect(got.samples[3]?.v).toBe(5);
  });

  it('is compact: a 100-series scrape costs under 6.5 bytes per sample beyond its series table', () => {
    // Per sample: series index < 256 (≤ 2 bytes), zero time delta (1), integer value < 65536 (≤ 3), plus the one
    // absolute timestamp (9 bytes / 100); measured 5.79. Absolute ms timestamps would add 8 bytes per sample and
    // float64-encoded integers 6 more, so this bound fails without delta and integer encoding.
    const collected = Array.from({ length: 100 }, (_, i) => ({
      labels: { __name__: 'node_cpu_seconds_total', cpu: String(i), mode: 'idle' },
      v: i * 37,
      t: T0,
    }));
    const batch = buildBatch('edge-1', 1, collected);
    const full = encodeBatch(batch).byteLength;
    const tableOnly = encodeBatch({ ...batch, samples: [] }).byteLength;
    expect((full - tableOnly) / 100).toBeLessThan(6.5);
    // Each label set is written once even when ten scrapes reuse the same ten series (measured 5.7 bytes/sample).
    const tenScrapes = buildBatch(
      'edge-1',
      2,
      Array.from({ length: 100 }, (_, i) => ({ labels: { __name__: 'up', job: `j${i % 10}` }, v: 1, t: T0 + Math.floor(i / 10) * 15_000 })),
    );
    expect(tenScrapes.series).toHaveLength(10);
    expect(encodeBatch(tenScrapes).byteLength / 100).toBeLessThan(12);
  });
});

describe('decodeBatch rejects', () => {
  it('bytes that are not CBOR', () => {
    expectRejected(Uint8Array.of(0x1c), 'undecodable', 'payload');
    expectRejected(Uint8Array.of(0x9f, 0x01), 'undecodable', 'payload');
  });

  it('CBOR that is not a map', () => {
    expectRejected(raw.encode([1, 2, 3]), 'invalid', 'batch');
    expectRejected(raw.encode('batch'), 'invalid', 'batch');
    expectRejected(raw.encode(null), 'invalid', 'batch');
  });

  it('a missing or non-integer version', () => {
    expectRejected(wire({ v: undefined }), 'invalid', 'v');
    expectRejected(wire({ v: 1.5 }), 'invalid', 'v');
    expectRejected(wire({ v: '1' }), 'invalid', 'v');
  });

  it('an unknown version as retryable, not permanent', () => {
    const err = expectRejected(wire({ v: 2 }), 'unsupported_version', 'v');
    expect(err.permanent).toBe(false);
    expect(err.message).toContain('version 2');
    expect(rejection(wire({ agent: 'bad id' })).permanent).toBe(true);
  });

  it.each([['has space'], ['a/b'], ['+'], ['#'], ['-lead'], [''], ['x'.repeat(65)], [7]])('agent %j', (agent) => {
    expectRejected(wire({ agent }), 'invalid', 'agent');
  });

  it.each([[-1], [1.5], ['3'], [undefined], [2 ** 53]])('seq %j', (seq) => {
    expectRejected(wire({ seq }), 'invalid', 'seq');
  });

  it('malformed series tables, naming the series', () => {
    expectRejected(wire({ series: { a: 1 } }), 'invalid', 'series');
    expectRejected(wire({ series: [['__name__', 'up', 'job']] }), 'invalid', 'series[0]');
    expectRejected(wire({ series: [['__name__', 'up'], ['__name__', 'up', 'job', 3]] }), 'invalid', 'series[1]');
    const dup = expectRejected(wire({ series: [['__name__', 'up', 'job', 'a', 'job', 'b']] }), 'invalid', 'series[0]');
    expect(dup.message).toContain('job appears twice');
    const name = expectRejected(wire({ series: [['__name__', 'a.b-c']] }), 'invalid', 'series[0]');
    expect(name.message).toContain('invalid metric name');
    expectRejected(wire({ series: [['job', 'node']] }), 'invalid', 'series[0]');
    expectRejected(wire({ series: [['__name__', 'up', '1bad', 'x']] }), 'invalid', 'series[0]');
    const many = ['__name__', 'up'];
    for (let i = 0; i < LABEL_LIMITS.maxLabelsPerSeries; i++) many.push(`l${i}`, 'v');
    expect(expectRejected(wire({ series: [many] }), 'invalid', 'series[0]').message).toContain('labels, at most');
  });

  it('a label named __proto__ instead of silently dropping it', () => {
    expectRejected(wire({ series: [['__name__', 'up', '__proto__', 'x']] }), 'invalid', 'series[0]');
  });

  it('sample arrays that break the contract, naming the element', () => {
    expectRejected(wire({ s: [0, 1] }), 'invalid', 's[1]');
    expectRejected(wire({ s: [-1, 0] }), 'invalid', 's[0]');
    expectRejected(wire({ s: [0, 0.5] }), 'invalid', 's[1]');
    expectRejected(wire({ s: 'nope' }), 'invalid', 's');
    expectRejected(wire({ t: [T0] }), 'invalid', 'samples');
    expectRejected(wire({ x: [1, 2, 3] }), 'invalid', 'samples');
    expectRejected(wire({ x: [1, '2'] }), 'invalid', 'x[1]');
    expectRejected(wire({ x: [null, 2] }), 'invalid', 'x[0]');
    expectRejected(wire({ t: [T0, 0.5] }), 'invalid', 't[1]');
    expectRejected(wire({ t: [1000, -1001] }), 'invalid', 't[1]');
    expectRejected(wire({ t: [-1, 1] }), 'invalid', 't[0]');
    expectRejected(wire({ stale: [2] }), 'invalid', 'stale[0]');
    expectRejected(wire({ stale: [1, -1] }), 'invalid', 'stale[1]');
    expectRejected(wire({ stale: [0.5] }), 'invalid', 'stale[0]');
    // A negative delta that stays at or above the epoch is fine.
    expect(decodeBatch(wire({ t: [1000, -1000] })).samples.map((s) => s.t)).toEqual([1000, 0]);
  });

  it('a payload over the size bound before decoding it', () => {
    const big = new Uint8Array(WIRE_LIMITS.maxPayloadBytes + 1);
    expectRejected(big, 'too_large', 'payload');
    // Exactly at the bound is decoded (and then judged on its content).
    const atLimit = new Uint8Array(WIRE_LIMITS.maxPayloadBytes);
    expect(rejection(atLimit).code).not.toBe('too_large');
  });

  it('random bytes only ever with a ProtocolError', () => {
    let seed = 0x2545f491;
    const next = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 2 ** 32;
    };
    const valid = encodeBatch(buildBatch('edge-1', 9, [{ labels: { __name__: 'up' }, v: 1, t: T0, stale: true }]));
    for (let n = 0; n < 2000; n++) {
      let buf: Uint8Array;
      if (n % 2 === 0) {
        buf = Uint8Array.from({ length: Math.floor(next() * 80) }, () => Math.floor(next() * 256));
      } else {
        // Mutations of a valid batch reach far deeper into the validation than pure noise does.
        buf = Uint8Array.from(valid);
        for (let k = 0; k < 3; k++) buf[Math.floor(next() * buf.length)] = Math.floor(next() * 256);
      }
      try {
        decodeBatch(buf);
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw new Error(`${String(err)} for ${Buffer.from(buf).toString('hex')}`);
      }
    }
  });
});

describe('ack and status', () => {
  it.each<Ack>([
    { seq: 0, status: 'stored' },
    { seq: 12, status: 'duplicate' },
    { seq: 2 ** 40, status: 'rejected', reason: 'series[0]: no __name__ label' },
    { seq: 3, status: 'retry', reason: 'aggregator storage error' },
  ])('ack %j round trips', (ack) => {
    expect(decodeAck(encodeAck(ack))).toEqual(ack);
  });

  it('rejects malformed acks naming the field', () => {
    const field = (payload: Uint8Array) => {
      try {
        decodeAck(payload);
      } catch (err) {
        expect(err).toBeInstanceOf(ProtocolError);
        return (err as ProtocolError).field;
      }
      return 'accepted';
    };
    expect(field(raw.encode([1]))).toBe('ack');
    expect(field(raw.encode({ seq: -1, status: 'stored' }))).toBe('ack.seq');
    expect(field(raw.encode({ status: 'stored' }))).toBe('ack.seq');
    expect(field(raw.encode({ seq: 1, status: 'ok' }))).toBe('ack.status');
    expect(field(raw.encode({ seq: 1, status: 'rejected', reason: 5 }))).toBe('ack.reason');
    expect(field(Uint8Array.of(0xff))).toBe('payload');
  });

  it('status round trips and rejects bad states and times', () => {
    expect(decodeStatus(encodeStatus({ state: 'online', t: T0 }))).toEqual({ state: 'online', t: T0 });
    expect(decodeStatus(encodeStatus({ state: 'offline', t: 0 }))).toEqual({ state: 'offline', t: 0 });
    expect(() => decodeStatus(raw.encode({ state: 'away', t: 1 }))).toThrow(/status\.state/);
    expect(() => decodeStatus(raw.encode({ state: 'online', t: 1.5 }))).toThrow(/status\.t/);
    expect(() => decodeStatus(raw.encode({ state: 'online' }))).toThrow(/status\.t/);
    expect(() => decodeStatus(raw.encode('online'))).toThrow(ProtocolError);
  });
});
