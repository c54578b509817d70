/**
 * A sample value (of a vector, a matrix, an exemplar) as Prometheus' JSON writes it, util/jsonutil.MarshalFloat:
 * Go's shortest round-trip digits, in exponent form below 1e-6 and from 1e21 up, plain between.
 */
export function formatValue(v: number): string {
  const abs = Math.abs(v);
  // Go writes at least two exponent digits: 1e-07 where JavaScript writes 1e-7.
  if (abs !== 0 && (abs < 1e-6 || (abs >= 1e21 && abs !== Infinity))) return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return formatScalar(v);
}

/**
 * A scalar result's value, which Prometheus writes with strconv.FormatFloat(v, 'f', -1, 64): never in exponent
 * form, -0 keeping its sign, and NaN / +Inf / -Inf spelled out.
 */
export function formatScalar(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Object.is(v, -0)) return '-0';
  const text = String(v);
  const e = text.indexOf('e');
  if (e < 0) return text;
  const sign = text.startsWith('-') ? '-' : '';
  const mantissa = text.slice(sign.length, e);
  const exponent = Number(text.slice(e + 1));
  const digits = mantissa.replace('.', '');
  const point = (mantissa.indexOf('.') < 0 ? mantissa.length : mantissa.indexOf('.')) + exponent;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** A timestamp as Prometheus' JSON writes it: seconds, with milliseconds as the fraction. */
export function formatTime(ms: number): number {
  return ms / 1000;
}
