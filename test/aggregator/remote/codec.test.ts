import protobuf from 'protobufjs/minimal.js';
import { describe, expect, it } from 'vitest';
import { encodeWriteRequest, type OutgoingSeries } from '../../../aggregator/remote/encode-write-request.ts';
import { RemoteWriteError } from '../../../aggregator/remote/remote-write-error.ts';
import { compressBlock, uncompressBlock } from '../../../aggregator/remote/snappy-block.ts';
import { decodeWriteRequest } from '../../../aggregator/remote/write-request.ts';

const T = 1_700_000_000_000;

/** The 8 little-endian bytes of a float64 given as its bit pattern. */
const bitsLE = (hex: string) => Buffer.from(hex, 'hex').reverse();
const STALE = bitsLE('7ff0000000000002');
const NORMAL_NAN = bitsLE('7ff8000000000001');

const indexOf = (haystack: Uint8Array, needle: Uint8Array, from = 0) => Buffer.from(haystack).indexOf(Buffer.from(needle), from);
const count = (haystack: Uint8Array, needle: Uint8Array) => {
  let n = 0;
  for (let i = indexOf(haystack, needle); i >= 0; i = indexOf(haystack, needle, i + 1)) n++;
  return n;
};

function refused(fn: () => unknown): RemoteWriteError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RemoteWriteError);
    return err as RemoteWriteError;
  }
  throw new Error('expected a RemoteWriteError');
}


describe('encodeWriteRequest / decodeWriteRequest', () => {
  const series: OutgoingSeries[] = [
    {
      labels: { job: 'node', __name__: 'node_load1', instance: 'a "quoted" host' },
      samples: [
        { t: T, v: 0.25, stale: false },
        { t: T + 15_000, v: -0, stale: false },
        { t: T + 30_000, v: 1e308, stale: false },
        { t: T + 45_000, v: NaN, stale: true },
      ],
    },
    {
      labels: { __name__: 'x', unicode: 'ünï ☃' },
      samples: [
        { t: -1_000, v: Infinity, stale: false },
        { t: 0, v: -Infinity, stale: false },
        { t: 2 ** 52, v: NaN, stale: false },
      ],
    },
  ];

  it('round-trips labels (sorted by name on the wire), values, timestamps and staleness', () => {
    const decoded = decodeWriteRequest(encodeWriteRequest(series));
    expect(decoded.metadata).toBe(0);
    expect(decoded.series.map((s) => s.labels)).toEqual([
      [['__name__', 'node_load1'], ['instance', 'a "quoted" host'], ['job', 'node']],
      [['__name__', 'x'], ['unicode', 'ünï ☃']],
    ]);
    const samples = decoded.series.map((s) => s.samples);
    expect(samples[0]?.map((s) => [s.t, s.stale])).toEqual([[T, false], [T + 15_000, false], [T + 30_000, false], [T + 45_000, true]]);
    expect(samples[0]?.slice(0, 3).map((s) => s.v)).toEqual([0.25, -0, 1e308]);
    expect(Object.is(samples[0]?.[1]?.v, -0)).toBe(true);
    expect(Number.isNaN(samples[0]?.[3]?.v)).toBe(true);
    expect(samples[1]?.map((s) => [s.t, s.v, s.stale])).toEqual([[-1_000, Infinity, false], [0, -Infinity, false], [2 ** 52, NaN, false]]);
    expect(decoded.series.every((s) => s.histograms === 0 && s.exemplars === 0)).toBe(true);
  });

  it('writes the stale marker as exactly 0x7ff0000000000002 and any other NaN as NormalNaN', () => {
    const bytes = encodeWriteRequest(series);
    expect(count(bytes, STALE)).toBe(1);
    expect(count(bytes, NORMAL_NAN)).toBe(1);
  });

  it('reads staleness from the bits: only the exact marker is stale, other NaNs are plain NaN values', () => {
    const bytes = Buffer.from(encodeWriteRequest(series));
    const at = indexOf(bytes, STALE);
    const nearMiss = Buffer.from(bytes);
    nearMiss.set(bitsLE('7ff0000000000003'), at);
    const quiet = Buffer.from(bytes);
    quiet.set(bitsLE('7ff8000000000002'), at);
    for (const changed of [nearMiss, quiet]) {
      const s = decodeWriteRequest(changed).series[0]?.samples[3];
      expect(s?.stale).toBe(false);
      expect(Number.isNaN(s?.v)).toBe(true);
    }
    const marker = Buffer.from(bytes);
    marker.set(STALE, indexOf(bytes, NORMAL_NAN));
    expect(decodeWriteRequest(marker).series[1]?.samples[2]?.stale).toBe(true);
  });

  it('counts and skips exemplars, native histograms, metadata and unknown fields', () => {
    const w = protobuf.Writer.create();
    w.uint32((1 << 3) | 2).fork();
    w.uint32((1 << 3) | 2).fork().uint32(10).string('__name__').uint32(18).string('h').ldelim();
    // An exemplar with labels, a native histogram with spans and deltas, and an unknown field 9.
    w.uint32((3 << 3) | 2).fork().uint32(10).fork().uint32(10).string('trace_id').uint32(18).string('abc').ldelim().uint32(17).double(1).uint32(24).int64(T).ldelim();
    w.uint32((4 << 3) | 2).fork().uint32(8).uint64(3).uint32(25).double(1.5).uint32(32).sint32(3).uint32((11 << 3) | 2).fork().uint32(8).sint32(0).uint32(16).uint32(2).ldelim().uint32((12 << 3) | 2).fork().sint64(1).sint64(1).ldelim().uint32(120).int64(T).ldelim();
    w.uint32((4 << 3) | 2).fork().uint32(120).int64(T + 1).ldelim();
    w.uint32((9 << 3) | 0).uint32(7);
    w.uint32((2 << 3) | 2).fork().uint32(9).double(4).uint32(16).int64(T).ldelim();
    w.ldelim();
    // Metadata entries (field 3) and the reserved field 2.
    w.uint32((3 << 3) | 2).fork().uint32(8).uint32(1).uint32(18).string('h').uint32(34).string('help').ldelim();
    w.uint32((2 << 3) | 2).bytes(new Uint8Array([1, 2, 3]));
    const decoded = decodeWriteRequest(w.finish());
    expect(decoded).toEqual({
      series: [{ labels: [['__name__', 'h']], samples: [{ t: T, v: 4, stale: false }], histograms: 2, exemplars: 1 }],
      metadata: 1,
    });
  });

  it.each([
    ['a cut-off body', encodeWriteRequest(series).subarray(0, 20), /index out of range|past the end/],
    ['field number 0', new Uint8Array([0x02, 0x00]), /field number 0/],
    ['a known field with the wrong wire type', new Uint8Array([0x08, 0x01]), /wrong wire type 0 for WriteRequest.timeseries/],
    ['a sub-message longer than its parent', new Uint8Array([0x0a, 0x04, 0x12, 0x08, 0x09, 0x00]), /past the end/],
    ['a label that is not UTF-8', new Uint8Array([0x0a, 0x06, 0x0a, 0x04, 0x0a, 0x02, 0xc3, 0x28]), /utf|UTF/i],
    ['an invalid wire type', new Uint8Array([0x0f]), /wire type 7/],
  ])('refuses %s as bad_protobuf, naming the position', (_, bytes, reason) => {
    const err = refused(() => decodeWriteRequest(bytes));
    expect(err.code).toBe('bad_protobuf');
    expect(err.message).toMatch(/^protobuf: cannot decode prometheus.WriteRequest at byte \d+: /);
    expect(err.message).toMatch(reason);
  });

  it('decodes an empty request (what a sender probes with) as no series', () => {
    expect(decodeWriteRequest(new Uint8Array(0))).toEqual({ series: [], metadata: 0 });
  });
});

describe('snappy block', () => {
  const payload = encodeWriteRequest([{ labels: { __name__: 'a' }, samples: Array.from({ length: 100 }, (_, i) => ({ t: T + i, v: i, stale: false })) }]);

  it('round-trips and compresses', async () => {
    const compressed = compressBlock(payload);
    expect(compressed.length).toBeLessThan(payload.length);
    expect(Buffer.from(await uncompressBlock(compressed, payload.length))).toEqual(Buffer.from(payload));
  });

  it('refuses a corrupt or truncated block as bad_snappy', async () => {
    const compressed = compressBlock(payload);
    for (const bad of [compressed.subarray(0, compressed.length - 4), Buffer.from('not snappy at all'), new Uint8Array(0)]) {
      await expect(uncompressBlock(bad, 1 << 20)).rejects.toMatchObject({ code: 'bad_snappy' });
    }
  });

  it('refuses a block that declares more than the bound before decompressing it', async () => {
    // The header alone claims 2^31 bytes: checked against the bound, nothing is allocated.
    const bomb = new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x08, 0x00]);
    await expect(uncompressBlock(bomb, 1 << 20)).rejects.toMatchObject({ code: 'too_large', message: expect.stringContaining('2147483648 bytes') });
    await expect(uncompressBlock(compressBlock(payload), payload.length - 1)).rejects.toMatchObject({ code: 'too_large' });
  });
});
