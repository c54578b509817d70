// Number and duration literals as Prometheus reads them, and Go's quoting for error messages.

const isPrint = (ch: string) => ch === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch);

function quoteWith(s: string, quote: '"' | "'"): string {
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    const named: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\' };
    if (ch === quote) out += `\\${ch}`;
    else if (named[ch]) out += named[ch];
    else if (isPrint(ch)) out += ch;
    else if (cp < 0x80) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return out + quote;
}

/** Go's %q of a string. */
export const goQuote = (s: string): string => quoteWith(s, '"');
/** Go's %q of a rune; the empty string stands for end of input, which Go prints as the replacement character. */
export const goQuoteRune = (ch: string): string => quoteWith(ch === '' ? '\uFFFD' : ch, "'");
/** Go's %#U of a rune: U+0063 'c'. */
export function goRuneU(ch: string): string {
  const hex = (ch.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0');
  return isPrint(ch) ? `U+${hex} '${ch}'` : `U+${hex}`;
}

/** Go's math.Round: halves away from zero. */
export const goRound = (v: number): number => (v < 0 ? -Math.round(-v) : Math.round(v));

/** Whether underscores sit only between digits (or after a base prefix), as Go's strconv requires. */
function underscoresOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  const hex = /^0[xX]/.test(s);
  if (/^0[xXoObB]/.test(s)) [i, saw] = [2, '0'];
  for (; i < s.length; i++) {
    const c = s[i] as string;
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) saw = '0';
    else if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
    } else {
      if (saw === '_') return false;
      saw = '!';
    }
  }
  return saw !== '_';
}

const MAX_INT64 = (1n << 63n) - 1n;

/**
 * A NUMBER token's value, as Prometheus' parser.number: strconv.ParseInt(s, 0, 64) first (so `0x1f` is hex and a
 * leading 0 means octal: `010` is 8), then strconv.ParseFloat. Returns an error message when neither accepts it.
 */
export function parseNumber(text: string): number | { error: string } {
  const lower = text.toLowerCase();
  if (lower === 'inf') return Infinity;
  if (lower === 'nan') return NaN;
  if (underscoresOK(text)) {
    const digits = text.replace(/_/g, '');
    let int: bigint | undefined;
    if (/^0[xX][0-9a-fA-F]+$/.test(digits)) int = BigInt(digits);
    else if (/^0[0-7]*$/.test(digits)) int = BigInt(`0o${digits.slice(1) || '0'}`);
    else if (/^[1-9][0-9]*$/.test(digits)) int = BigInt(digits);
    if (int !== undefined && int <= MAX_INT64) return Number(int);
  }
  const invalid = { error: `error parsing number: strconv.ParseFloat: parsing ${goQuote(text)}: invalid syntax` };
  // Go's ParseFloat takes decimal forms (hexadecimal ones only with a p exponent, which the lexer never produces).
  if (!/^(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?$/.test(text) || !underscoresOK(text)) return invalid;
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isFinite(value)) {
    return { error: `error parsing number: strconv.ParseFloat: parsing ${goQuote(text)}: value out of range` };
  }
  return value;
}

const UNITS: Record<string, { pos: number; ns: bigint }> = {
  ms: { pos: 7, ns: 1_000_000n },
  s: { pos: 6, ns: 1_000_000_000n },
  m: { pos: 5, ns: 60_000_000_000n },
  h: { pos: 4, ns: 3_600_000_000_000n },
  d: { pos: 3, ns: 86_400_000_000_000n },
  w: { pos: 2, ns: 604_800_000_000_000n },
  y: { pos: 1, ns: 31_536_000_000_000_000n },
};

/** A DURATION token in seconds, as Prometheus' model.ParseDuration reads it (units largest first, each once). */
export function parseDurationSeconds(text: string): number | { error: string } {
  if (text === '0') return 0;
  const invalid = { error: `not a valid duration string: ${goQuote(text)}` };
  let rest = text;
  let ns = 0n;
  let lastPos = 0;
  while (rest !== '') {
    const num = /^[0-9]+/.exec(rest)?.[0];
    if (num === undefined) return invalid;
    rest = rest.slice(num.length);
    const unitText = /^[^0-9]*/.exec(rest)?.[0] ?? '';
    if (unitText === '') return invalid;
    rest = rest.slice(unitText.length);
    const unit = UNITS[unitText];
    if (!unit) return { error: `unknown unit ${goQuote(unitText)} in duration ${goQuote(text)}` };
    if (unit.pos <= lastPos) return invalid;
    lastPos = unit.pos;
    const v = BigInt(num);
    if (v > (1n << 63n) / unit.ns) return { error: 'duration out of range' };
    ns += v * unit.ns;
    if (ns > MAX_INT64) return { error: 'duration out of range' };
  }
  // Go's Duration.Seconds(): whole seconds plus the fraction.
  return Number(ns / 1_000_000_000n) + Number(ns % 1_000_000_000n) / 1e9;
}

/** Whether seconds overflow Go's time.Duration, Prometheus' "duration out of range" (NaN, which Go lets through, too). */
export const durationOutOfRange = (seconds: number): boolean =>
  Number.isNaN(seconds) || seconds > 2 ** 63 / 1e9 || seconds < -(2 ** 63) / 1e9;

/** Seconds to whole milliseconds the way Prometheus gets there: round to nanoseconds, then truncate. */
export const secondsToMs = (seconds: number): number => Number(BigInt(goRound(seconds * 1e9)) / 1_000_000n);
