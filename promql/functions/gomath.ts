/**
 * Go's math package where it computes differently from JavaScript's Math (Cephes trigonometry, Go's Log, Log2,
 * Log10, and Exp in goexp.ts), so PromQL functions return bit-for-bit what Prometheus on amd64 returns. Sqrt,
 * Log1p and the rounding functions agree with Math and are used directly.
 */

import { goExp } from './goexp.ts';

const buf = new DataView(new ArrayBuffer(8));

function bitsOf(x: number): bigint {
  buf.setFloat64(0, x);
  return buf.getBigUint64(0);
}

function fromBits(b: bigint): number {
  buf.setBigUint64(0, b);
  return buf.getFloat64(0);
}

/** math.Frexp: x = frac × 2^exp with |frac| in [0.5, 1). */
export function goFrexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let exp = 0;
  if (Math.abs(x) < 2.2250738585072014e-308) {
    x *= 2 ** 52;
    exp = -52;
  }
  const b = bitsOf(x);
  exp += Number((b >> 52n) & 0x7ffn) - 1023 + 1;
  return [fromBits((b & ~(0x7ffn << 52n)) | (1022n << 52n)), exp];
}

/**
 * math.Log as Go's amd64 assembly computes it (log_amd64.s): FreeBSD's e_log.c algorithm, with the fraction and
 * exponent read straight from the bits, so subnormal inputs come out wrong exactly as in Go (golang/go#56600).
 */
export function goLog(x: number): number {
  if (x === 0) return -Infinity;
  if (x < 0) return NaN;
  if (Number.isNaN(x) || x === Infinity) return x;
  const b = bitsOf(x);
  let f1 = fromBits((b & ((1n << 52n) - 1n)) | 0x3fe0000000000000n);
  let k = Number((b >> 52n) & 0x7ffn) - 0x3fe;
  if (f1 <= Math.SQRT1_2) {
    k -= 1;
    f1 *= 2;
  }
  const f = f1 - 1;
  const s = f / (2 + f);
  const s2 = s * s;
  const s4 = s2 * s2;
  const t1 = s2 * (6.66666666666673513e-1 + s4 * (2.857142874366239149e-1 + s4 * (1.818357216161805012e-1 + s4 * 1.479819860511658591e-1)));
  const t2 = s4 * (3.999999999940941908e-1 + s4 * (2.222219843214978396e-1 + s4 * 1.531383769920937332e-1));
  const r = t1 + t2;
  const hfsq = 0.5 * f * f;
  return k * 6.9314718036912381649e-1 - (hfsq - (s * (hfsq + r) + k * 1.90821492927058770002e-10) - f);
}

export function goLog10(x: number): number {
  return goLog(x) * Math.LOG10E;
}

export function goLog2(x: number): number {
  const [frac, exp] = goFrexp(x);
  if (frac === 0.5) return exp - 1;
  return goLog(frac) * Math.LOG2E + exp;
}

const PI4A = 7.85398125648498535156e-1;
const PI4B = 3.77489470793079817668e-8;
const PI4C = 2.69515142907905952645e-15;
/** Go's constant 4/Pi, rounded once. */
const FOUR_OVER_PI = 1.2732395447351628;
const REDUCE_THRESHOLD = 2 ** 29;
const SIN = [1.58962301576546568060e-10, -2.50507477628578072866e-8, 2.75573136213857245213e-6, -1.98412698295895385996e-4, 8.33333333332211858878e-3, -1.66666666666666307295e-1];
const COS = [-1.13585365213876817300e-11, 2.08757008419747316778e-9, -2.75573141792967388112e-7, 2.48015872888517045348e-5, -1.38888888888730564116e-3, 4.16666666666665929218e-2];
const M_PI4 = [
  0x0000000000000001n, 0x45f306dc9c882a53n, 0xf84eafa3ea69bb81n, 0xb6c52b3278872083n, 0xfca2c757bd778ac3n,
  0x6e48dc74849ba5c0n, 0x0c925dd413a32439n, 0xfc3bd63962534e7dn, 0xd1046bea5d768909n, 0xd338e04d68befc82n,
  0x7323ac7306a673e9n, 0x3908bf177bf25076n, 0x3ff12fffbc0b301fn, 0xde5e2316b414da3en, 0xda6cfd9e4f96136en,
  0x9e8c7ecd3cbfd45an, 0xea4f758fd7cbe2f6n, 0x7a0e73ef14a525d4n, 0xd7f6bf623f1aba10n, 0xac06608df8f6d757n,
];
const MASK64 = (1n << 64n) - 1n;

/** Payne–Hanek reduction of x ≥ 2^29 by Pi/4: the octant j and the remainder z (Go's trigReduce). */
function trigReduce(x: number): [number, number] {
  if (x < Math.PI / 4) return [0, x];
  const b = bitsOf(x);
  const exp = Number((b >> 52n) & 0x7ffn) - 1023 - 52;
  const ix = (b & ((1n << 52n) - 1n)) | (1n << 52n);
  const digit = Math.floor((exp + 61) / 64);
  const shift = BigInt((exp + 61) % 64);
  const word = (k: number) => ((((M_PI4[k] as bigint) << shift) & MASK64) | ((M_PI4[k + 1] as bigint) >> (64n - shift))) & MASK64;
  const z0 = word(digit);
  const z1 = word(digit + 1);
  const z2 = word(digit + 2);
  const z2hi = (z2 * ix) >> 64n;
  const z1p = z1 * ix;
  const z0lo = (z0 * ix) & MASK64;
  const loSum = (z1p & MASK64) + z2hi;
  const lo = loSum & MASK64;
  let hi = (z0lo + (z1p >> 64n) + (loSum >> 64n)) & MASK64;
  let j = Number(hi >> 61n);
  hi = ((hi << 3n) | (lo >> 61n)) & MASK64;
  const lz = hi === 0n ? 64 : 64 - hi.toString(2).length;
  const e = BigInt(1023 - (lz + 1));
  hi = ((hi << BigInt(lz + 1)) & MASK64) | (lz + 1 < 64 ? lo >> BigInt(64 - (lz + 1)) : 0n);
  hi >>= 12n;
  hi |= e << 52n;
  let z = fromBits(hi);
  if (j & 1) {
    j = (j + 1) & 7;
    z--;
  }
  return [j, z * (Math.PI / 4)];
}

/** Octant and remainder of |x| as sin.go, cos.go and tan.go compute them below and above the reduce threshold. */
function octant(x: number, wrap: boolean): [number, number] {
  if (x >= REDUCE_THRESHOLD) return trigReduce(x);
  let j = Math.trunc(x * FOUR_OVER_PI);
  let y = j;
  if (j % 2 === 1) {
    j++;
    y++;
  }
  if (wrap) j %= 8;
  return [j, x - y * PI4A - y * PI4B - y * PI4C];
}

function sinPoly(z: number, zz: number): number {
  return z + z * zz * (((((SIN[0]! * zz + SIN[1]!) * zz + SIN[2]!) * zz + SIN[3]!) * zz + SIN[4]!) * zz + SIN[5]!);
}

function cosPoly(zz: number): number {
  return 1.0 - 0.5 * zz + zz * zz * (((((COS[0]! * zz + COS[1]!) * zz + COS[2]!) * zz + COS[3]!) * zz + COS[4]!) * zz + COS[5]!);
}

export function goSin(x: number): number {
  if (x === 0 || Number.isNaN(x)) return x;
  if (!Number.isFinite(x)) return NaN;
  let sign = x < 0;
  let [j, z] = octant(Math.abs(x), true);
  if (j > 3) {
    sign = !sign;
    j -= 4;
  }
  const zz = z * z;
  const y = j === 1 || j === 2 ? cosPoly(zz) : sinPoly(z, zz);
  return sign ? -y : y;
}

export function goCos(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  let sign = false;
  let [j, z] = octant(Math.abs(x), true);
  if (j > 3) {
    j -= 4;
    sign = !sign;
  }
  if (j > 1) sign = !sign;
  const zz = z * z;
  const y = j === 1 || j === 2 ? sinPoly(z, zz) : cosPoly(zz);
  return sign ? -y : y;
}

export function goTan(x: number): number {
  if (x === 0 || Number.isNaN(x)) return x;
  if (!Number.isFinite(x)) return NaN;
  const [j, z] = octant(Math.abs(x), false);
  const zz = z * z;
  let y = z;
  if (zz > 1e-14) {
    const p = (-1.30936939181383777646e4 * zz + 1.15351664838587416140e6) * zz - 1.79565251976484877988e7;
    const q = (((zz + 1.36812963470692954678e4) * zz - 1.32089234440210967447e6) * zz + 2.50083801823357915839e7) * zz - 5.38695755929454629881e7;
    y = z + z * ((zz * p) / q);
  }
  if ((j & 2) === 2) y = -1 / y;
  return x < 0 ? -y : y;
}

function xatan(x: number): number {
  const z = x * x;
  const p = (((-8.750608600031904122785e-1 * z - 1.615753718733365076637e1) * z - 7.500855792314704667340e1) * z - 1.228866684490136173410e2) * z - 6.485021904942025371773e1;
  const q = ((((z + 2.485846490142306297962e1) * z + 1.650270098316988542046e2) * z + 4.328810604912902668951e2) * z + 4.853903996359136964868e2) * z + 1.945506571482613964425e2;
  return x * ((z * p) / q) + x;
}

function satan(x: number): number {
  const morebits = 6.123233995736765886130e-17;
  if (x <= 0.66) return xatan(x);
  if (x > 2.41421356237309504880) return Math.PI / 2 - xatan(1 / x) + morebits;
  return Math.PI / 4 + xatan((x - 1) / (x + 1)) + 0.5 * morebits;
}

export function goAtan(x: number): number {
  if (x === 0) return x;
  return x > 0 ? satan(x) : -satan(-x);
}

export function goAsin(x: number): number {
  if (x === 0) return x;
  const sign = x < 0;
  if (sign) x = -x;
  if (x > 1) return NaN;
  let temp = Math.sqrt(1 - x * x);
  temp = x > 0.7 ? Math.PI / 2 - satan(temp / x) : satan(x / temp);
  return sign ? -temp : temp;
}

export function goAcos(x: number): number {
  return Math.PI / 2 - goAsin(x);
}

export function goSinh(x: number): number {
  const sign = x < 0;
  if (sign) x = -x;
  let temp: number;
  if (x > 21) temp = goExp(x) / 2;
  else if (x > 0.5) temp = (goExp(x) - goExp(-x)) / 2;
  else {
    const sq = x * x;
    temp = (((-0.2630563213397497062819489e2 * sq - 0.2894211355989563807284660366e4) * sq - 0.8991272022039509355398013511e5) * sq - 0.6307673640497716991184787251e6) * x;
    temp = temp / (((sq - 0.173678953558233699533450911e3) * sq + 0.1521517378790019070696485176e5) * sq - 0.6307673640497716991212077277e6);
  }
  return sign ? -temp : temp;
}

export function goCosh(x: number): number {
  x = Math.abs(x);
  if (x > 21) return goExp(x) / 2;
  return (goExp(x) + goExp(-x)) / 2;
}

export function goTanh(x: number): number {
  let z = Math.abs(x);
  if (z > 0.5 * 8.8029691931113054295988e1) return x < 0 ? -1 : 1;
  if (z >= 0.625) {
    const s = goExp(2 * z);
    z = 1 - 2 / (s + 1);
    return x < 0 ? -z : z;
  }
  if (x === 0) return x;
  const s = x * x;
  const p = (-9.64399179425052238628e-1 * s - 9.92877231001918586564e1) * s - 1.61468768441708447952e3;
  const q = ((s + 1.12811678491632931402e2) * s + 2.23548839060100448583e3) * s + 4.84406305325125486048e3;
  return x + (x * s * p) / q;
}

const LN2 = 6.93147180559945286227e-1;

export function goAsinh(x: number): number {
  if (Number.isNaN(x) || !Number.isFinite(x)) return x;
  const sign = x < 0;
  if (sign) x = -x;
  let temp: number;
  if (x > 2 ** 28) temp = goLog(x) + LN2;
  else if (x > 2) temp = goLog(2 * x + 1 / (Math.sqrt(x * x + 1) + x));
  else if (x < 2 ** -28) temp = x;
  else temp = Math.log1p(x + (x * x) / (1 + Math.sqrt(1 + x * x)));
  return sign ? -temp : temp;
}

export function goAcosh(x: number): number {
  if (x < 1 || Number.isNaN(x)) return NaN;
  if (x === 1) return 0;
  if (x >= 2 ** 28) return goLog(x) + LN2;
  if (x > 2) return goLog(2 * x - 1 / (x + Math.sqrt(x * x - 1)));
  const t = x - 1;
  return Math.log1p(t + Math.sqrt(2 * t + t * t));
}

export function goAtanh(x: number): number {
  if (x < -1 || x > 1 || Number.isNaN(x)) return NaN;
  if (x === 1) return Infinity;
  if (x === -1) return -Infinity;
  const sign = x < 0;
  if (sign) x = -x;
  let temp: number;
  if (x < 2 ** -28) temp = x;
  else if (x < 0.5) {
    temp = x + x;
    temp = 0.5 * Math.log1p(temp + (temp * x) / (1 - x));
  } else temp = 0.5 * Math.log1p((x + x) / (1 - x));
  return sign ? -temp : temp;
}

/** math.Max: +Inf wins over NaN, then NaN wins; Max(+0, -0) = +0. */
export function goMax(x: number, y: number): number {
  if (x === Infinity || y === Infinity) return Infinity;
  return Math.max(x, y);
}

/** math.Min: -Inf wins over NaN, then NaN wins; Min(+0, -0) = -0. */
export function goMin(x: number, y: number): number {
  if (x === -Infinity || y === -Infinity) return -Infinity;
  return Math.min(x, y);
}
