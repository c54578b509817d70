/**
 * math.Exp as Prometheus runs it on amd64: Go's assembly (exp_amd64.s, a Taylor series after Shibata) taking its
 * fused multiply-add path, which every x86-64 CPU with AVX2/FMA uses. V8's Math.exp differs from it in about
 * one result in seven by an ulp (Prometheus' own tests expect exp(-10) = 4.5399929762484854e-05, Math.exp
 * gives …485).
 */

const buf = new DataView(new ArrayBuffer(8));
const SPLIT = 134217729; // 2^27 + 1

function twoSum(a: number, b: number): [number, number] {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

function twoProd(a: number, b: number): [number, number] {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

/** An exact finite double as mantissa × 2^exponent. */
function decompose(x: number): [bigint, number] {
  buf.setFloat64(0, x);
  const b = buf.getBigUint64(0);
  const field = Number((b >> 52n) & 0x7ffn);
  let m = b & ((1n << 52n) - 1n);
  if (field !== 0) m |= 1n << 52n;
  return [b >> 63n ? -m : m, field === 0 ? -1074 : field - 1075];
}

/** Rounds v × 2^e to the nearest double (ties to even); no subnormal results are needed here. */
function roundScaled(v: bigint, e: number): number {
  if (v === 0n) return 0;
  const neg = v < 0n;
  if (neg) v = -v;
  const shift = v.toString(2).length - 55;
  if (shift > 0) {
    const sticky = (v & ((1n << BigInt(shift)) - 1n)) !== 0n ? 1n : 0n;
    v = (v >> BigInt(shift)) | sticky;
    e += shift;
  }
  const r = Number(v) * 2 ** e;
  return neg ? -r : r;
}

/** Correctly rounded a×b + c (IEEE fused multiply-add) for finite operands of moderate magnitude. */
export function fma(a: number, b: number, c: number): number {
  const [p, e] = twoProd(a, b);
  const [s, t] = twoSum(p, c);
  const [u, v] = twoSum(t, e);
  const [r, w] = twoSum(s, u);
  const [z, zerr] = twoSum(w, v);
  // a×b + c = r + z + zerr exactly; when zerr is 0 one rounding of r + z is the correct result.
  if (zerr === 0 && Number.isFinite(p)) return r + z;
  const [ma, ea] = decompose(a);
  const [mb, eb] = decompose(b);
  const [mc, ec] = decompose(c);
  const ep = ea + eb;
  const lo = Math.min(ep, ec);
  return roundScaled(((ma * mb) << BigInt(ep - lo)) + (mc << BigInt(ec - lo)), lo);
}

/** CVTSD2SL: round to nearest even int32; out of range gives the "integer indefinite" -2^31. */
function cvtsd2sl(x: number): number {
  let r = Math.round(x);
  if (r - x === 0.5 && r % 2 !== 0) r -= 1;
  return Math.abs(r) > 2147483647 || Number.isNaN(r) ? -2147483648 : r;
}

const LN2U = 0.69314718055966295651160180568695068359375;
const LN2L = 0.28235290563031577122588448175013436025525412068e-12;
const TAYLOR = [2.4801587301587301587e-5, 1.984126984126984127e-4, 1.3888888888888888889e-3, 8.3333333333333333333e-3, 4.1666666666666666667e-2, 1.6666666666666666667e-1, 0.5, 1.0];

export function goExp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === -Infinity) return 0;
  if (x > 7.09782712893384e2) return Infinity;
  let k = cvtsd2sl(Math.LOG2E * x);
  let r = fma(-k, LN2U, x);
  r = fma(-k, LN2L, r);
  r *= 0.0625;
  let p = TAYLOR[0] as number;
  for (let i = 1; i < TAYLOR.length; i++) p = fma(p, r, TAYLOR[i] as number);
  r *= p;
  for (let i = 0; i < 3; i++) r *= r + 2;
  r = fma(r + 2, r, 1);
  // r × 2^k, in two steps for subnormal results as the assembly does.
  k += 0x3ff;
  if (k <= 0) {
    if (k < -52) return 0;
    r *= 2 ** (k + 0x3fe - 1023);
    k = 1;
  }
  if (k >= 0x7ff) return Infinity;
  return r * 2 ** (k - 1023);
}
