import { describe, expect, it } from 'vitest';
import {
  ChunkError,
  chunkFirstT,
  chunkSampleCount,
  decodeChunk,
  decodeRange,
  XorChunk,
  type ChunkColumns,
} from '../../../aggregator/store/tsdb/index.ts';
import { BitWriter } from '../../../aggregator/store/tsdb/bitstream.ts';
import { prng } from '../../../bench/node-like-series.ts';
import golden from './golden-chunks.json' with { type: 'json' };
import { goldenSeries, type GoldenSeries } from './golden-series.ts';
import { SeriesGenerator } from './random-series.ts';

function columns(n: number): ChunkColumns {
  return { ts: new Float64Array(n), vs: new Float64Array(n), stale: new Uint8Array(n) };
}

const bitsOf = (v: number) => {
  const f = Float64Array.of(v);
  return Array.from(new Uint32Array(f.buffer));
};

/** The samples in out[from, from + n) as comparable rows; a value is its bits, so NaN payloads count. */
function rows(out: ChunkColumns, from: number, n: number): unknown[] {
  const got: unknown[] = [];
  for (let i = from; i < from + n; i++) got.push([out.ts[i], out.stale[i], out.stale[i] === 1 ? 'stale' : bitsOf(out.vs[i]!)]);
  return got;
}

function expectedRows(s: GoldenSeries, keep: (t: number) => boolean = () => true): unknown[] {
  const want: unknown[] = [];
  s.t.forEach((t, i) => {
    if (keep(t)) want.push([t, s.stale[i] ? 1 : 0, s.stale[i] ? 'stale' : bitsOf(s.v[i]!)]);
  });
  return want;
}

const fromHex = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
const stored = golden as Record<string, string>;

describe('chunks written before the decoder was rewritten', () => {
  it('decode to the samples they hold, bit for bit, and the encoder still writes the same bytes', () => {
    const all = goldenSeries();
    expect(Object.keys(stored).sort()).toEqual(all.map((s) => s.name).sort());
    for (const s of all) {
      const bytes = fromHex(stored[s.name]!);
      const out = columns(s.t.length);
      expect(decodeChunk(bytes, out), s.name).toBe(s.t.length);
      expect(rows(out, 0, s.t.length), s.name).toEqual(expectedRows(s));
      const again = new XorChunk();
      s.t.forEach((t, i) => again.append(t, s.v[i]!, s.stale[i]!));
      expect(Buffer.from(again.bytes()).toString('hex'), s.name).toBe(stored[s.name]);
    }
  });

  it('decode any time range of them from any output index', () => {
    const r = prng(17);
    for (const s of goldenSeries()) {
      const bytes = fromHex(stored[s.name]!);
      for (let k = 0; k < 40; k++) {
        const a = s.t[Math.floor(r() * s.t.length)]!;
        const b = s.t[Math.floor(r() * s.t.length)]!;
        const lo = Math.min(a, b) + (k % 3 === 0 ? 1 : 0);
        const hi = Math.max(a, b) - (k % 4 === 0 ? 1 : 0);
        const at = Math.floor(r() * 5);
        const out = columns(at + s.t.length);
        const n = decodeRange(bytes, lo, hi, out, at);
        const want = expectedRows(s, (t) => t >= lo && t <= hi);
        expect(n, `${s.name} [${lo}, ${hi}]`).toBe(want.length);
        expect(rows(out, at, n)).toEqual(want);
        // Nothing is written past what it returns (the slots stay as allocated).
        expect(Array.from(out.ts.subarray(at + n)).every((t) => t === 0)).toBe(true);
      }
    }
  });
});

describe('decodeRange', () => {
  it('agrees with a full decode for random chunks and ranges, including empty ranges and ones past the chunk', () => {
    const gen = new SeriesGenerator(8);
    const r = prng(3);
    for (let k = 0; k < 1500; k++) {
      const s = gen.series();
      const c = new XorChunk();
      for (let i = 0; i < s.t.length; i++) c.append(s.t[i]!, s.v[i]!, s.stale[i] === 1);
      const bytes = c.bytes();
      const full = columns(s.t.length);
      decodeChunk(bytes, full);
      const pick = () => s.t[Math.floor(r() * s.t.length)]! + Math.floor(r() * 3) - 1;
      const [lo, hi] = k % 10 === 0 ? [s.t[s.t.length - 1]! + 1, Infinity] : [pick(), pick()];
      const out = columns(s.t.length);
      const n = decodeRange(bytes, lo, hi, out, 0);
      const first = full.ts.findIndex((t) => t >= lo);
      const want = first < 0 ? 0 : full.ts.subarray(first).filter((t) => t <= hi).length;
      expect(n, s.shape).toBe(want);
      expect(rows(out, 0, n)).toEqual(rows(full, Math.max(first, 0), n));
    }
  });

  it('reads the header without decoding the samples', () => {
    const c = new XorChunk();
    c.append(-42_000, 1.5);
    c.append(-27_000, 2.5);
    expect(chunkSampleCount(c.bytes())).toBe(2);
    expect(chunkFirstT(c.bytes())).toBe(-42_000);
    expect(chunkSampleCount(new XorChunk().bytes())).toBe(0);
    expect(() => chunkFirstT(new XorChunk().bytes())).toThrow(ChunkError);
    expect(() => chunkSampleCount(Uint8Array.of(9, 0, 1))).toThrow(ChunkError);
  });

  it('refuses a first delta of zero and varbits lengths over 53, which no writer produces', () => {
    const chunk = (count: number, write: (w: BitWriter) => void) => {
      const w = new BitWriter();
      w.writeInt(2 ** 51, 52); // t0 = 0
      w.write(0b110, 3); // the first value, decimal 1: e = 0, z = 0, varbits(zigzag(1))
      w.write(0, 10);
      w.writeVarBits(2);
      write(w);
      const out = new Uint8Array(3 + w.byteLength);
      out.set([1, count >>> 8, count & 0xff]);
      w.copyTo(out, 3);
      return out;
    };
    const decodes = (bytes: Uint8Array) => () => decodeChunk(bytes, columns(3));
    // Sample 1: its delta, then a plain residual '0' for its value.
    expect(decodes(chunk(2, (w) => (w.write(5, 6), w.write(17, 5), w.write(0, 1))))).not.toThrow();
    expect(decodes(chunk(2, (w) => (w.write(0, 6), w.write(0, 1))))).toThrow(ChunkError);
    expect(decodes(chunk(2, (w) => (w.write(60, 6), w.writeInt(1, 53), w.write(0, 7))))).toThrow(ChunkError);
    // Sample 2: a Large timestamp escape with a 60-bit length.
    const large = (w: BitWriter) => (w.write(1, 6), w.write(1, 1), w.write(0, 1), w.write(0xffff, 16), w.write(0, 2), w.write(60, 6));
    expect(decodes(chunk(3, (w) => (large(w), w.writeInt(0, 53), w.write(0, 8))))).toThrow(ChunkError);
  });
});
