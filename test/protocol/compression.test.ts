import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildBatch, type CollectedSample } from '../../protocol/batch.ts';
import { WIRE_LIMITS, decodeBatch, encodeBatch } from '../../protocol/codec.ts';
import { ProtocolError } from '../../protocol/errors.ts';

const T0 = 1_700_000_000_000;

/** One collection of a node-like host: many series, one timestamp. */
function collection(series: number): CollectedSample[] {
  return Array.from({ length: series }, (_, i) => ({
    labels: { __name__: 'node_cpu_seconds_total', instance: 'shop-17:9100', job: 'node', cpu: String(i >> 3), mode: `m${i & 7}` },
    t: T0,
    v: 1234.56 + i,
  }));
}

function failure(payload: Uint8Array): ProtocolError {
  try {
    decodeBatch(payload);
  } catch (err) {
    if (err instanceof ProtocolError) return err;
    throw err;
  }
  throw new Error('decoded');
}

describe('compressed batches', () => {
  it('compresses a large batch with zlib and reads it back unchanged', () => {
    const batch = buildBatch('shop-17', 9, collection(400));
    const payload = encodeBatch(batch);
    expect(payload[0]).toBe(0x78);
    // Repeated label sets compress well: far below the ~90 bytes a sample takes as plain CBOR.
    expect(payload.byteLength / 400).toBeLessThan(15);
    expect(decodeBatch(payload)).toEqual(batch);
  });

  it('leaves a small batch as plain CBOR (a map)', () => {
    const payload = encodeBatch(buildBatch('shop-17', 1, collection(1)));
    expect(payload[0]! & 0xe0).toBe(0xa0);
    expect(decodeBatch(payload).samples).toHaveLength(1);
  });

  it('refuses corrupt zlib data as undecodable, naming the payload', () => {
    const payload = encodeBatch(buildBatch('shop-17', 9, collection(400)));
    const broken = payload.slice(0, payload.byteLength >> 1);
    expect(failure(broken)).toMatchObject({ code: 'undecodable', field: 'payload' });
    expect(failure(Uint8Array.of(0x78, 0x00, 0x01, 0x02)).message).toContain('not valid zlib data');
  });

  it('refuses a payload that inflates beyond the wire limit without inflating it all', () => {
    const bomb = deflateSync(Buffer.alloc(WIRE_LIMITS.maxPayloadBytes + 1024));
    expect(bomb.byteLength).toBeLessThan(100_000);
    expect(failure(bomb)).toMatchObject({ code: 'too_large', field: 'payload' });
  });
});
