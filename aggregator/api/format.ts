/**
 * A sample value as Prometheus' JSON writes it: Go's strconv.FormatFloat(v, 'f', -1, 64), i.e. the shortest
 * digits that round-trip, never in exponent form, and NaN / +Inf / -Inf spelled out.
 */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
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
