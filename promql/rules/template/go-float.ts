/**
 * Go's strconv float formatting ('e', 'f', 'g'; a precision, or -1 for the shortest digits that round-trip), on
 * which Prometheus' humanize* helpers (`%.4g`) and the printing of `$value` (`%v`) rest. Digits come from the
 * double's exact decimal value and round half to even, as Go's do, so ties such as 2.5 → "2" match.
 */
interface Digits {
  /** Significant digits, no leading zeros; "" for zero. */
  readonly d: string;
  /** Position of the decimal point: value = 0.d × 10^dp. */
  readonly dp: number;
}

/** The exact decimal expansion of a finite positive double. */
function exactDigits(v: number): Digits {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, v);
  const bits = buf.getBigUint64(0);
  const exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & 0xfffffffffffffn;
  let e2: number;
  if (exp === 0) e2 = -1074;
  else {
    mant |= 1n << 52n;
    e2 = exp - 1075;
  }
  let text: string;
  let fracDigits: number;
  if (e2 >= 0) {
    text = (mant << BigInt(e2)).toString();
    fracDigits = 0;
  } else {
    // m × 2^e2 = m × 5^-e2 / 10^-e2
    text = (mant * 5n ** BigInt(-e2)).toString();
    fracDigits = -e2;
  }
  const dp = text.length - fracDigits;
  const stripped = text.replace(/^0+/, '');
  const lead = text.length - stripped.length;
  return { d: stripped.replace(/0+$/, ''), dp: dp - lead };
}

/** The shortest digits that read back as v, which Go and JavaScript agree on. */
function shortestDigits(v: number): Digits {
  const [mantissa, exponent] = v.toExponential().split('e') as [string, string];
  return { d: mantissa.replace('.', '').replace(/0+$/, ''), dp: Number(exponent) + 1 };
}

/** Rounds to `n` significant digits, half to even on the exact value; trailing zeros trimmed. */
function roundTo(x: Digits, n: number): Digits {
  if (n < 0) return { d: '', dp: x.dp };
  if (x.d.length <= n) return x;
  const next = x.d.charCodeAt(n) - 48;
  const exactHalf = next === 5 && x.d.length === n + 1;
  const up = next > 5 || (next === 5 && !exactHalf) || (exactHalf && n > 0 && (x.d.charCodeAt(n - 1) - 48) % 2 === 1);
  let d = x.d.slice(0, n);
  let dp = x.dp;
  if (up) {
    let i = d.length - 1;
    while (i >= 0 && d[i] === '9') i--;
    if (i < 0) {
      d = '1';
      dp++;
    } else d = d.slice(0, i) + String.fromCharCode(d.charCodeAt(i) + 1);
  }
  return { d: d.replace(/0+$/, ''), dp };
}

function fmtE(x: Digits, prec: number, upper: boolean): string {
  const first = x.d[0] ?? '0';
  let out = first;
  if (prec > 0) out += '.' + x.d.slice(1, prec + 1).padEnd(prec, '0');
  const exp = x.d === '' ? 0 : x.dp - 1;
  const abs = Math.abs(exp);
  return `${out}${upper ? 'E' : 'e'}${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
}

function fmtF(x: Digits, prec: number): string {
  let int: string;
  if (x.dp > 0) int = x.d.slice(0, x.dp).padEnd(x.dp, '0');
  else int = '0';
  if (prec <= 0) return int;
  let frac = '';
  for (let i = 0; i < prec; i++) {
    const j = x.dp + i;
    frac += j >= 0 && j < x.d.length ? x.d[j] : '0';
  }
  return `${int}.${frac}`;
}

/** strconv.FormatFloat(v, fmt, prec, 64). */
export function formatGoFloat(v: number, fmt: 'e' | 'E' | 'f' | 'g' | 'G', prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const neg = v < 0 || Object.is(v, -0);
  const abs = Math.abs(v);
  const shortest = prec < 0;
  let digits: Digits;
  if (abs === 0) digits = { d: '', dp: 1 };
  else if (shortest) digits = shortestDigits(abs);
  else {
    const exact = exactDigits(abs);
    switch (fmt) {
      case 'e':
      case 'E':
        digits = roundTo(exact, prec + 1);
        break;
      case 'f':
        digits = roundTo(exact, exact.dp + prec);
        if (digits.d === '') digits = { d: '', dp: 1 };
        break;
      default:
        digits = roundTo(exact, prec === 0 ? 1 : prec);
    }
  }
  let p = prec;
  if (shortest) p = fmt === 'e' || fmt === 'E' ? Math.max(digits.d.length - 1, 0) : fmt === 'f' ? Math.max(digits.d.length - digits.dp, 0) : digits.d.length;
  let body: string;
  if (fmt === 'e' || fmt === 'E') body = fmtE(digits, p, fmt === 'E');
  else if (fmt === 'f') body = fmtF(digits, p);
  else {
    if (p === 0) p = 1;
    let eprec = p;
    const nd = Math.max(digits.d.length, 1);
    if (eprec > nd && nd >= digits.dp) eprec = nd;
    if (shortest) eprec = 6;
    const exp = digits.dp - 1;
    if (exp < -4 || exp >= eprec) body = fmtE(digits, Math.min(p, nd) - 1, fmt === 'G');
    else body = fmtF(digits, Math.max((p > digits.dp ? nd : p) - digits.dp, 0));
  }
  return neg ? `-${body}` : body;
}
