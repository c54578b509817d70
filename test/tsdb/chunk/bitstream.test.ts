import { describe, expect, it } from 'vitest';
import { BitWriter, bitLength, bitsAt, loadWords, peek32, trailingZeros, uintAt } from '../../../aggregator/store/tsdb/bitstream.ts';
import { prng } from '../../../bench/node-like-series.ts';

type Op =
  | { kind: 'bits'; value: number; bits: number }
  | { kind: '64'; hi: number; lo: number; bits: number }
  | { kind: 'int'; value: number; bits: number }
  | { kind: 'var'; value: number }
  | { kind: 'ones'; run: number; max: number };

function randomOps(seed: number, count: number): Op[] {
  const r = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const u32 = () => int(0, 2 ** 32 - 1);
  const ops: Op[] = [];
  for (let i = 0; i < count; i++) {
    const pick = int(0, 4);
    if (pick === 0) {
      const bits = int(0, 32);
      ops.push({ kind: 'bits', value: bits === 32 ? u32() : int(0, 2 ** bits - 1), bits });
    } else if (pick === 1) {
      const bits = int(0, 64);
      const hi = bits > 32 ? int(0, 2 ** (bits - 32) - 1) : 0;
      ops.push({ kind: '64', hi, lo: bits >= 32 ? u32() : int(0, 2 ** bits - 1), bits });
    } else if (pick === 2) {
      const bits = int(0, 53);
      ops.push({ kind: 'int', value: Math.floor(r() * 2 ** bits), bits });
    } else if (pick === 3) {
      ops.push({ kind: 'var', value: Math.floor(r() * 2 ** int(0, 53)) });
    } else {
      const max = int(1, 32);
      ops.push({ kind: 'ones', run: int(0, max), max });
    }
  }
  return ops;
}

function write(w: BitWriter, op: Op): void {
  if (op.kind === 'bits') w.write(op.value, op.bits);
  else if (op.kind === '64') w.write64(op.hi, op.lo, op.bits);
  else if (op.kind === 'int') w.writeInt(op.value, op.bits);
  else if (op.kind === 'var') w.writeVarBits(op.value);
  else {
    // A run of ones, then the terminating zero unless the run reached max.
    for (let n = op.run; n > 0; n -= Math.min(n, 32)) w.write(-1, Math.min(n, 32));
    if (op.run < op.max) w.write(0, 1);
  }
}

/** Reads with the decoder's primitives, keeping the bit position as decodeRange does. */
class Reader {
  pos = 0;
  private readonly w: Int32Array;

  constructor(bytes: Uint8Array, start: number, end: number) {
    this.w = loadWords(bytes, start, end);
  }

  bits(n: number): number {
    const v = bitsAt(this.w, this.pos, n);
    this.pos += n;
    return v;
  }

  int(n: number): number {
    const v = uintAt(this.w, this.pos, n);
    this.pos += n;
    return v;
  }

  /** A run of ones, capped at max (at most 32), and the zero that ends a shorter one: how residual codes start. */
  ones(max: number): number {
    const run = Math.min(Math.clz32(~peek32(this.w, this.pos)), max);
    this.pos += run < max ? run + 1 : run;
    return run;
  }
}

function read(r: Reader, op: Op): unknown {
  if (op.kind === 'bits') return r.bits(op.bits);
  if (op.kind === '64') {
    const hi = op.bits > 32 ? r.bits(op.bits - 32) : 0;
    return [hi, r.bits(Math.min(op.bits, 32))];
  }
  if (op.kind === 'int') return r.int(op.bits);
  if (op.kind === 'var') return r.int(r.bits(6));
  return r.ones(op.max);
}

const expected = (op: Op): unknown =>
  op.kind === '64' ? [op.hi, op.lo] : op.kind === 'ones' ? op.run : op.value;

describe('BitWriter and the word reader', () => {
  it('read back every random sequence of writes, at every alignment', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const ops = randomOps(seed, 200);
      const w = new BitWriter(1);
      for (const op of ops) write(w, op);
      const bytes = new Uint8Array(w.byteLength + 2);
      w.copyTo(bytes, 2);
      const r = new Reader(bytes, 2, 2 + w.byteLength);
      for (const [i, op] of ops.entries()) {
        const got = read(r, op);
        if (JSON.stringify(got) !== JSON.stringify(expected(op))) expect.fail(`seed ${seed} op ${i} ${JSON.stringify(op)}: got ${JSON.stringify(got)}`);
      }
      expect(r.pos).toBe(w.bitLength);
    }
  });

  it('pads the last byte with zero bits, and byteLength counts it', () => {
    const w = new BitWriter();
    w.write(0b101, 3);
    expect([w.bitLength, w.byteLength]).toEqual([3, 1]);
    const out = new Uint8Array(1);
    w.copyTo(out, 0);
    expect(out[0]).toBe(0b1010_0000);
  });

  it('reads zeros past the end, for the decoder to notice the overrun itself, however large the input', () => {
    for (const size of [1, 5, 4000, 70_000]) {
      const bytes = new Uint8Array(size + 3).fill(0xff);
      const w = loadWords(bytes, 3, size + 3);
      expect(bitsAt(w, 0, 8)).toBe(0xff);
      expect(bitsAt(w, size * 8 - 1, 2)).toBe(0b10);
      expect(peek32(w, size * 8)).toBe(0);
      expect(uintAt(w, size * 8 + 200, 53)).toBe(0);
    }
  });

  it('counts ones across word boundaries and stops at max without a zero', () => {
    const bytes = Uint8Array.of(0x0f, 0xff, 0xff, 0xff, 0xe0);
    const r = new Reader(bytes, 0, 5);
    r.bits(4);
    // 31 ones from bit 4, across the first word boundary, then the zero that ends them.
    expect(r.ones(32)).toBe(31);
    expect(r.pos).toBe(36);
    const capped = new Reader(bytes, 1, 5);
    expect(capped.ones(16)).toBe(16);
    expect(capped.pos).toBe(16);
  });
});

describe('bit helpers', () => {
  it('bitLength and trailingZeros cover the whole 53-bit range', () => {
    for (let k = 0; k <= 52; k++) {
      expect(bitLength(2 ** k)).toBe(k + 1);
      expect(bitLength(2 ** (k + 1) - 1)).toBe(k + 1);
      expect(trailingZeros(2 ** k)).toBe(k);
      expect(trailingZeros(-(2 ** k) * 3)).toBe(k);
    }
    expect(bitLength(0)).toBe(0);
  });
});
