import { describe, expect, it } from 'vitest';
import { BitReader, BitWriter, bitLength, trailingZeros } from '../../../aggregator/store/tsdb/bitstream.ts';
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
      const max = int(1, 70);
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

function read(r: BitReader, op: Op): unknown {
  if (op.kind === 'bits') return r.read(op.bits);
  if (op.kind === '64') {
    r.read64(op.bits);
    return [r.hi, r.lo];
  }
  if (op.kind === 'int') return r.readInt(op.bits);
  if (op.kind === 'var') return r.readVarBits();
  return r.readOnes(op.max);
}

const expected = (op: Op): unknown =>
  op.kind === '64' ? [op.hi, op.lo] : op.kind === 'ones' ? op.run : op.value;

describe('BitWriter and BitReader', () => {
  it('read back every random sequence of writes, at every alignment', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const ops = randomOps(seed, 200);
      const w = new BitWriter(1);
      for (const op of ops) write(w, op);
      const bytes = new Uint8Array(w.byteLength + 2);
      w.copyTo(bytes, 2);
      const r = new BitReader(bytes, 2, 2 + w.byteLength);
      for (const [i, op] of ops.entries()) {
        const got = read(r, op);
        if (JSON.stringify(got) !== JSON.stringify(expected(op))) expect.fail(`seed ${seed} op ${i} ${JSON.stringify(op)}: got ${JSON.stringify(got)}`);
      }
      expect(r.bitsRead).toBe(w.bitLength);
      expect(r.overrun).toBe(false);
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

  it('reports an overrun only once reads pass the end', () => {
    const r = new BitReader(Uint8Array.of(0xff, 0x00), 0, 2);
    r.read(16);
    expect(r.overrun).toBe(false);
    r.read(1);
    expect(r.overrun).toBe(true);
  });

  it('counts ones across word boundaries and stops at max without a zero', () => {
    const bytes = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0x7f);
    // 40 ones, then the zero that opens 0x7f.
    expect(new BitReader(bytes, 0, 6).readOnes(64)).toBe(40);
    const capped = new BitReader(bytes, 0, 6);
    expect(capped.readOnes(16)).toBe(16);
    expect(capped.bitsRead).toBe(16);
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
