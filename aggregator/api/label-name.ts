// The <name> of /api/v1/label/<name>/values as Prometheus 3 reads it: any non-empty UTF-8 name, written either
// percent-encoded or in the `U__` value-encoding escape of names that URLs and legacy tools cannot carry
// (prometheus/common model.UnescapeName). Bytes are kept until the end: the path may hold invalid UTF-8, which
// Prometheus refuses and quotes byte by byte.
import { goQuote } from '../../promql/parse-literals.ts';
import { ApiError } from './respond.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** The label name of a raw (still percent-encoded) path segment; ApiError when it is empty or not UTF-8. */
export function labelNameFromPath(segment: string): string {
  let bytes = percentDecode(segment);
  if (startsWithU(bytes)) bytes = unescapeValueEncoding(bytes);
  const name = bytes.length > 0 ? decode(bytes) : undefined;
  if (name === undefined) throw new ApiError('bad_data', `invalid label name: ${quoteBytes(bytes)}`);
  return name;
}

function percentDecode(s: string): Uint8Array {
  const out: number[] = [];
  let last = 0;
  for (const m of s.matchAll(/%([0-9a-fA-F]{2})/g)) {
    out.push(...encoder.encode(s.slice(last, m.index)), parseInt(m[1] as string, 16));
    last = m.index + 3;
  }
  out.push(...encoder.encode(s.slice(last)));
  return Uint8Array.from(out);
}

function decode(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

const U = [0x55, 0x5f, 0x5f]; // "U__"
const startsWithU = (b: Uint8Array) => U.every((c, i) => b[i] === c);
const UNDERSCORE = 0x5f;

/** `U__` then bytes as they are, `__` for one underscore, `_<hex code point>_` for any other character. */
function unescapeValueEncoding(name: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = U.length; i < name.length; i++) {
    if (name[i] !== UNDERSCORE) {
      out.push(name[i] as number);
      continue;
    }
    i++;
    if (i >= name.length) return name;
    if (name[i] === UNDERSCORE) {
      out.push(UNDERSCORE);
      continue;
    }
    const close = name.indexOf(UNDERSCORE, i);
    // At most six hex digits (U+10FFFF); anything else leaves the whole name as written.
    const hex = close < 0 ? '' : String.fromCharCode(...name.subarray(i, close));
    if (close < 0 || close - i > 6 || !/^[0-9a-fA-F]+$/.test(hex)) return name;
    const cp = parseInt(hex, 16);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return name;
    out.push(...encoder.encode(String.fromCodePoint(cp)));
    i = close;
  }
  return Uint8Array.from(out);
}

/** Go's %q of a byte string: valid UTF-8 as Go quotes it, each byte of an invalid sequence as \xNN. */
function quoteBytes(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const len = [1, 2, 3, 4].find((n) => i + n <= bytes.length && [...(decode(bytes.subarray(i, i + n)) ?? '')].length === 1);
    if (len === undefined) {
      out += `\\x${(bytes[i] as number).toString(16).padStart(2, '0')}`;
      i++;
    } else {
      out += goQuote(decode(bytes.subarray(i, i + len)) as string).slice(1, -1);
      i += len;
    }
  }
  return `"${out}"`;
}
