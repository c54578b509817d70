import { describe, expect, it } from 'vitest';
import {
  CHUNK_MAX_SAMPLES,
  ChunkError,
  ChunkIterator,
  decodeChunk,
  TIMESTAMP_LIMIT,
  XorChunk,
  type ChunkColumns,
} from '../../../aggregator/store/tsdb/index.ts';
import { fromBits, SeriesGenerator, type RandomSeries } from './random-series.ts';

function encode(s: RandomSeries): XorChunk {
  const c = new XorChunk();
  for (let i = 0; i < s.t.length; i++) c.append(s.t[i]!, s.v[i]!, s.stale[i] === 1);
  return c;
}

function columns(n: number): ChunkColumns {
  return { ts: new Float64Array(n), vs: new Float64Array(n), stale: new Uint8Array(n) };
}

const bits = (a: Float64Array) => new Uint32Array(a.buffer, a.byteOffset, a.length * 2);

/** The first sample where decoded columns differ from the input, or undefined; stale values must read NaN. */
function firstMismatch(s: RandomSeries, out: ChunkColumns): string | undefined {
  const want = bits(s.v);
  const got = bits(out.vs);
  for (let i = 0; i < s.t.length; i++) {
    const stale = s.stale[i] === 1;
    const sameValue = stale ? Number.isNaN(out.vs[i]) : want[2 * i] === got[2 * i] && want[2 * i + 1] === got[2 * i + 1];
    if (out.ts[i] !== s.t[i] || out.stale[i] !== s.stale[i] || !sameValue) {
      return `${s.shape} sample ${i}: want (${s.t[i]}, ${s.v[i]}, ${stale}), got (${out.ts[i]}, ${out.vs[i]}, ${out.stale[i]})`;
    }
  }
  return undefined;
}

function refusal(c: XorChunk, t: number): string | undefined {
  try {
    c.append(t, 1);
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(ChunkError);
    return (e as ChunkError).code;
  }
}

describe('XorChunk round trips', () => {
  it('decodes 12,000 random series bit-exactly, through columns and the iterator, and rebuilds identical bytes', () => {
    const gen = new SeriesGenerator(20240501);
    const out = columns(3000);
    let samples = 0;
    for (let k = 0; k < 12_000; k++) {
      const s = gen.series();
      const c = encode(s);
      const bytes = c.bytes();
      expect(c.numSamples).toBe(s.t.length);
      expect([c.minT, c.maxT]).toEqual([s.t[0], s.t[s.t.length - 1]]);
      expect(decodeChunk(bytes, out)).toBe(s.t.length);
      const mismatch = firstMismatch(s, out);
      if (mismatch !== undefined) expect.fail(mismatch);

      // Every 10th: the iterator agrees with the columns, and resuming from bytes re-encodes identically.
      if (k % 10 === 0) {
        const it = new ChunkIterator(bytes);
        for (let i = 0; it.next(); i++) {
          const same = it.t === out.ts[i] && it.stale === (out.stale[i] === 1) && (Object.is(it.v, out.vs[i]) || (Number.isNaN(it.v) && Number.isNaN(out.vs[i])));
          if (!same) expect.fail(`${s.shape} sample ${i}: iterator (${it.t}, ${it.v}, ${it.stale}) differs from the columns`);
        }
        expect(it.position).toBe(s.t.length);
        expect(XorChunk.fromBytes(bytes).bytes()).toEqual(bytes);
      }
      samples += s.t.length;
    }
    expect(samples).toBeGreaterThan(1_000_000);
  });

  it('keeps every special float bit-exactly, as the first value and after decimal values', () => {
    const specials = [
      NaN,
      fromBits(0x7ff80000, 0xdead),
      fromBits(0xfff80000, 7),
      fromBits(0x7ff00000, 2),
      fromBits(0x7ff7ffff, 0xffffffff),
      Infinity,
      -Infinity,
      -0,
      0,
      Number.MIN_VALUE,
      -Number.MIN_VALUE,
      fromBits(0x000fffff, 0xffffffff),
      Number.MAX_VALUE,
      1e-310,
    ];
    for (const lead of [[], [1.5, 2.5], [Math.PI]]) {
      const v = Float64Array.from([...lead, ...specials, 3.25, ...specials]);
      const s: RandomSeries = { shape: `after ${lead.join(',')}`, t: Float64Array.from(v, (_, i) => 1000 * i), v, stale: new Uint8Array(v.length) };
      const out = columns(v.length);
      decodeChunk(encode(s).bytes(), out);
      expect(firstMismatch(s, out)).toBeUndefined();
    }
  });

  it('stores a stale sample without its value: it reads back stale with NaN, and the values around it are kept', () => {
    for (const values of [[1.5, 99, 2.5], [Math.PI, 99, Math.E], [NaN, 99, 7]]) {
      const c = new XorChunk();
      c.append(1000, values[0]!, false);
      c.append(2000, values[1]!, true);
      c.append(3000, values[2]!, false);
      const it = c.iterator();
      const got: [number, number, boolean][] = [];
      while (it.next()) got.push([it.t, it.v, it.stale]);
      expect(got).toEqual([
        [1000, values[0], false],
        [2000, NaN, true],
        [3000, values[2], false],
      ]);
    }
  });

  it('encodes a chunk that is only stale markers', () => {
    const s: RandomSeries = { shape: 'all stale', t: Float64Array.of(1, 2, 3), v: Float64Array.of(5, 6, 7), stale: Uint8Array.of(1, 1, 1) };
    const out = columns(3);
    expect(decodeChunk(encode(s).bytes(), out)).toBe(3);
    expect(firstMismatch(s, out)).toBeUndefined();
  });
});

describe('XorChunk edges', () => {
  it('an empty chunk has no samples, an empty range and a 3-byte form', () => {
    const c = new XorChunk();
    expect(c.numSamples).toBe(0);
    expect(c.minT).toBe(Infinity);
    expect(c.maxT).toBe(-Infinity);
    const bytes = c.bytes();
    expect(bytes.length).toBe(3);
    expect(c.iterator().next()).toBe(false);
    expect(decodeChunk(bytes, columns(0))).toBe(0);
  });

  it('a single sample round-trips with minT equal to maxT', () => {
    const c = new XorChunk();
    c.append(-5, 0.1);
    expect([c.numSamples, c.minT, c.maxT]).toEqual([1, -5, -5]);
    const it = c.iterator();
    expect(it.next()).toBe(true);
    expect([it.t, it.v, it.stale]).toEqual([-5, 0.1, false]);
    expect(it.next()).toBe(false);
  });

  it('accepts negative timestamps and gaps wider than 2^32 ms, up to the ±2^51 limits', () => {
    const ts = [-TIMESTAMP_LIMIT, -TIMESTAMP_LIMIT + 1, -(2 ** 33), -1, 0, 2 ** 32 + 1, 2 ** 40, TIMESTAMP_LIMIT - 1];
    const c = new XorChunk();
    for (const t of ts) c.append(t, t / 1000);
    const it = c.iterator();
    const got: number[][] = [];
    while (it.next()) got.push([it.t, it.v]);
    expect(got).toEqual(ts.map((t) => [t, t / 1000]));
  });

  it('refuses out-of-order, duplicate, fractional and out-of-range timestamps without changing the chunk', () => {
    const c = new XorChunk();
    c.append(1000, 1);
    c.append(2000, 2);
    const before = c.bytes();
    expect(refusal(c, 1999)).toBe('out_of_order');
    expect(refusal(c, -1)).toBe('out_of_order');
    expect(refusal(c, 2000)).toBe('duplicate_timestamp');
    expect(refusal(c, 2000.5)).toBe('timestamp_range');
    expect(refusal(c, NaN)).toBe('timestamp_range');
    expect(refusal(c, Infinity)).toBe('timestamp_range');
    expect(refusal(c, TIMESTAMP_LIMIT)).toBe('timestamp_range');
    expect(refusal(new XorChunk(), -TIMESTAMP_LIMIT - 1)).toBe('timestamp_range');
    expect(c.bytes()).toEqual(before);
    expect(c.numSamples).toBe(2);
    c.append(3000, 3);
    expect(c.maxT).toBe(3000);
  });

  it('refuses a sample beyond the 16-bit count', () => {
    const c = new XorChunk();
    for (let i = 0; i < CHUNK_MAX_SAMPLES; i++) c.append(i, i % 7);
    expect(refusal(c, CHUNK_MAX_SAMPLES)).toBe('chunk_full');
    const out = columns(CHUNK_MAX_SAMPLES);
    expect(decodeChunk(c.bytes(), out)).toBe(CHUNK_MAX_SAMPLES);
    expect(out.vs[CHUNK_MAX_SAMPLES - 1]).toBe((CHUNK_MAX_SAMPLES - 1) % 7);
  });

  it('can be read while it grows', () => {
    const c = new XorChunk();
    for (let i = 0; i < 50; i++) {
      c.append(i * 15_000, i * 0.5);
      const out = columns(i + 1);
      expect(decodeChunk(c.bytes(), out)).toBe(i + 1);
      expect(out.vs[i]).toBe(i * 0.5);
    }
  });
});

describe('ChunkIterator.seek', () => {
  const c = new XorChunk();
  for (let i = 1; i <= 100; i++) c.append(i * 10, i, i % 10 === 0);

  it('moves to the first sample at or after t, never backwards', () => {
    const it = c.iterator();
    expect(it.seek(55)).toBe(true);
    expect([it.t, it.v]).toEqual([60, 6]);
    expect(it.seek(60)).toBe(true);
    expect(it.t).toBe(60);
    expect(it.seek(10)).toBe(true);
    expect(it.t).toBe(60);
    expect(it.seek(100)).toBe(true);
    expect([it.t, it.stale]).toEqual([100, true]);
    expect(it.next()).toBe(true);
    expect(it.t).toBe(110);
  });

  it('returns false past the last sample', () => {
    const it = c.iterator();
    expect(it.seek(1001)).toBe(false);
    expect(it.position).toBe(100);
  });
});

describe('ChunkIterator on damaged bytes', () => {
  const c = new XorChunk();
  for (let i = 0; i < 200; i++) c.append(1_700_000_000_000 + i * 15_000 + (i % 3), Math.round(i * 1.37 * 100) / 100);
  const good = c.bytes();

  const readAll = (bytes: Uint8Array) => () => decodeChunk(bytes, columns(70_000));

  it('rejects another format, a short header and trailing bytes', () => {
    expect(readAll(Uint8Array.of(2, 0, 0))).toThrow(ChunkError);
    expect(readAll(Uint8Array.of(1, 0))).toThrow(ChunkError);
    expect(readAll(Uint8Array.of(1, 0, 0, 0))).toThrow(ChunkError);
    expect(readAll(Uint8Array.from([...good, 0]))).toThrow(/chunk has/);
  });

  it('rejects truncated chunks and sample counts that disagree with the data by more than the padding holds', () => {
    for (const cut of [4, 10, good.length - 1]) expect(readAll(good.subarray(0, cut))).toThrow(ChunkError);
    // Every sample takes at least 2 bits and padding is under 8, so a count off by 4 or more cannot fit the bytes.
    for (const delta of [4, -4, 50]) {
      const damaged = Uint8Array.from(good);
      damaged[2] = damaged[2]! + delta;
      expect(readAll(damaged)).toThrow(ChunkError);
    }
  });
});
