// Numbers as Prometheus reads and writes them. Prometheus parses with Go's strconv.ParseFloat (minus the
// hex/underscore forms, which it rejects) and writes with strconv.FormatFloat(f, 'g', -1, 64); JavaScript's
// Number() accepts "0x10", "0b1", "" and " 1 ", so the syntax is checked here by hand before Number() converts it.

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const isDigit = (c: number): boolean => c >= DIGIT_0 && c <= DIGIT_9;

/**
 * The number Go's ParseFloat would give for `s` under Prometheus' rules, or undefined where Prometheus fails:
 * optional sign, digits with an optional point and exponent, or (any case) "inf"/"infinity" with an optional
 * sign and "nan" without one. Out-of-range values (1e400) fail, as ParseFloat returns ErrRange for them.
 */
export function parseGoFloat(s: string): number | undefined {
  const n = s.length;
  if (n === 0) return undefined;
  const first = s.charCodeAt(0);
  const signed = first === 43 || first === 45;
  let i = signed ? 1 : 0;
  const lead = s.charCodeAt(i) | 0x20;
  if (lead === 0x69 /* i */) {
    const word = (signed ? s.slice(1) : s).toLowerCase();
    if (word !== 'inf' && word !== 'infinity') return undefined;
    return first === 45 ? -Infinity : Infinity;
  }
  if (lead === 0x6e /* n */) return !signed && n === 3 && s.toLowerCase() === 'nan' ? NaN : undefined;

  let digits = 0;
  while (i < n && isDigit(s.charCodeAt(i))) {
    i++;
    digits++;
  }
  if (i < n && s.charCodeAt(i) === 46 /* . */) {
    i++;
    while (i < n && isDigit(s.charCodeAt(i))) {
      i++;
      digits++;
    }
  }
  if (digits === 0) return undefined;
  if (i < n && (s.charCodeAt(i) | 0x20) === 0x65 /* e */) {
    i++;
    const sign = s.charCodeAt(i);
    if (sign === 43 || sign === 45) i++;
    const expStart = i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    if (i === expStart) return undefined;
  }
  if (i !== n) return undefined;
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}

/**
 * Milliseconds for a decimal number of seconds that parseGoFloat accepted as finite, truncated toward zero like
 * Prometheus' int64(ts*1000) — but shifted in decimal, so "1.001" gives 1001 where the float product
 * gives 1000.999… and Prometheus stores 1000.
 * Undefined when the result is not a safe integer.
 */
export function decimalSecondsToMs(s: string): number | undefined {
  const n = s.length;
  let i = 0;
  const negative = s.charCodeAt(0) === 45;
  if (negative || s.charCodeAt(0) === 43) i++;
  let digits = '';
  let fraction = 0;
  let start = i;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  digits = s.slice(start, i);
  if (i < n && s.charCodeAt(i) === 46) {
    start = ++i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    digits += s.slice(start, i);
    fraction = i - start;
  }
  const exponent = i < n ? Number(s.slice(i + 1)) : 0;
  let lead = 0;
  while (lead < digits.length && digits.charCodeAt(lead) === DIGIT_0) lead++;
  digits = digits.slice(lead);
  if (digits === '') return 0;
  const shift = exponent - fraction + 3;
  let ms: number;
  if (shift >= 0) {
    if (digits.length + shift > 16) return undefined;
    ms = Number(digits + '0'.repeat(shift));
  } else {
    const keep = digits.length + shift;
    if (keep > 16) return undefined;
    ms = keep <= 0 ? 0 : Number(digits.slice(0, keep));
  }
  if (!Number.isSafeInteger(ms)) return undefined;
  return negative && ms !== 0 ? -ms : ms;
}

/** Go's strconv.FormatFloat(v, 'g', -1, 64) with Prometheus' spellings of the specials: what the text format writes. */
export function formatGoFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  // toExponential() without digits yields the shortest round-tripping digits, which is what Go's -1 precision means.
  const e = v.toExponential();
  const at = e.indexOf('e');
  const exp = Number(e.slice(at + 1));
  const negative = v < 0;
  const mantissa = e.slice(negative ? 1 : 0, at);
  const digits = mantissa.length > 1 ? mantissa[0] + mantissa.slice(2) : mantissa;
  let body: string;
  // Go switches to exponent form below 1e-4 and, for shortest formatting, from 1e6 up (1e+06, not 1000000).
  if (exp < -4 || exp >= 6) {
    const abs = Math.abs(exp);
    body = `${mantissa}e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  } else if (exp < 0) {
    body = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else if (digits.length <= exp + 1) {
    body = digits + '0'.repeat(exp + 1 - digits.length);
  } else {
    body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  return negative ? `-${body}` : body;
}

/**
 * Prometheus' formatOpenMetricsFloat: Go formatting plus ".0" when the result would read as an integer. Prometheus 3
 * rewrites `le` and `quantile` values through it, and OpenMetrics output uses it for every value.
 */
export function formatOpenMetricsFloat(v: number): string {
  if (v === 0) return '0.0';
  const s = formatGoFloat(v);
  if (!Number.isFinite(v)) return s;
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}
