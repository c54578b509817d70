import type { Labels } from '../../protocol/labels.ts';
import type { AtModifier, Expr } from '../ast.ts';
import { QueryError } from '../errors.ts';
import type { Matrix, RangeSeries, Value, Vector, VectorSample } from '../value.ts';
import type { CallContext } from './registry.ts';

/** Prometheus' metadata labels (schema.IsMetadataLabel): dropped together whenever a function drops the name. */
const METADATA_LABELS = ['__name__', '__type__', '__unit__'] as const;

const withoutName = new WeakMap<Labels, Labels>();

/**
 * The label set without `__name__` (and `__type__`/`__unit__`), as Prometheus' DropReserved(IsMetadataLabel).
 * One result object per input object, so that what is cached per series downstream (keys, groups) stays cached
 * across the steps of a range query.
 */
export function dropMetricName(metric: Labels): Labels {
  if (!METADATA_LABELS.some((n) => n in metric)) return metric;
  let out = withoutName.get(metric);
  if (out === undefined) {
    const kept: Record<string, string> = {};
    for (const name of Object.keys(metric)) {
      if (!(METADATA_LABELS as readonly string[]).includes(name)) kept[name] = metric[name] as string;
    }
    withoutName.set(metric, (out = kept));
  }
  return out;
}

export function metricName(metric: Labels): string {
  return metric['__name__'] ?? '';
}

/** A sorted copy of `metric` with `name` set to `value`; an empty value removes the label (labels.Builder.Set). */
export function withLabel(metric: Labels, name: string, value: string): Labels {
  const out: Record<string, string> = { ...metric };
  if (value === '') delete out[name];
  else out[name] = value;
  return Object.fromEntries(Object.keys(out).sort().map((n) => [n, out[n] as string]));
}

export function sample(metric: Labels, t: number, v: number): VectorSample {
  return { metric, point: { t, v } };
}

export function vectorValue(vector: Vector): Value {
  return { type: 'vector', vector };
}

function argError(i: number, want: string, got: Value | undefined): never {
  throw new QueryError('internal', `function argument ${i + 1}: expected ${want}, got ${got ? got.type : 'nothing'}`);
}

export function vectorArg(args: readonly Value[], i: number): Vector {
  const a = args[i];
  return a?.type === 'vector' ? a.vector : argError(i, 'instant vector', a);
}

export function matrixArg(args: readonly Value[], i: number): Matrix {
  const a = args[i];
  return a?.type === 'matrix' ? a.matrix : argError(i, 'range vector', a);
}

export function scalarArg(args: readonly Value[], i: number): number {
  const a = args[i];
  return a?.type === 'scalar' ? a.v : argError(i, 'scalar', a);
}

export function stringArg(args: readonly Value[], i: number): string {
  const a = args[i];
  return a?.type === 'string' ? a.v : argError(i, 'string', a);
}

/** Prometheus removes parentheses around function arguments before evaluation (unwrapParenExpr). */
export function unwrapParens(e: Expr | undefined): Expr | undefined {
  while (e?.kind === 'paren') e = e.expr;
  return e;
}

/** `@ t` as written; start()/end() must arrive resolved to a time (as Prometheus' preprocessing does), else t is used. */
function atOrT(at: AtModifier | undefined, t: number): number {
  return at?.kind === 'time' ? at.ms : t;
}

export interface RangeWindow {
  /** Exclusive start and inclusive end of the window, ms. */
  readonly start: number;
  readonly end: number;
  readonly rangeMs: number;
}

/** The window (end - range, end] a matrix argument was selected over: what extrapolatedRate calls rangeStart/rangeEnd. */
export function rangeWindow(ctx: CallContext, argIndex: number): RangeWindow {
  const e = unwrapParens(ctx.argExprs[argIndex]);
  let end: number;
  let rangeMs: number;
  if (e?.kind === 'matrix_selector') {
    end = atOrT(e.selector.at, ctx.t) - e.selector.offsetMs;
    rangeMs = e.rangeMs;
  } else if (e?.kind === 'subquery') {
    end = atOrT(e.at, ctx.t) - e.offsetMs;
    rangeMs = e.rangeMs;
  } else {
    throw new QueryError('internal', 'range vector argument must be a matrix selector or a subquery');
  }
  return { start: end - rangeMs, end, rangeMs };
}

/** Go's time.Duration(ms).Seconds(): whole seconds plus the nanosecond remainder / 1e9, rounded as Go rounds it. */
export function durationSeconds(ms: number): number {
  const sec = Math.trunc(ms / 1000);
  return sec + ((ms - sec * 1000) * 1e6) / 1e9;
}

/** Calls fn for every series of a range vector that has samples in the window (Prometheus skips empty ones). */
export function eachSeries(m: Matrix, fn: (s: RangeSeries) => void): void {
  for (const s of m) if (s.to > s.from) fn(s);
}

/** Go's %g / strconv.FormatFloat(f, 'g', -1, 64): shortest digits; exponent form below 1e-4 and from 1e6 on (`1e+06`). */
export function goFormatG(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const sign = f < 0 ? '-' : '';
  const [mant, expText] = Math.abs(f).toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const e = Math.abs(exp);
    return `${sign}${digits[0]}${frac}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intLen = exp + 1;
  if (digits.length <= intLen) return sign + digits + '0'.repeat(intLen - digits.length);
  return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
}

/** Go's %f (six decimals), as used in Prometheus' error messages. */
export function goFormatF(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (Object.is(f, -0)) return '-0.000000';
  if (Math.abs(f) >= 1e21) return `${BigInt(f).toString()}.000000`;
  return f.toFixed(6);
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const NAMED_ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };

/** Go's %q (strconv.Quote): double quotes, Go escapes for non-printable characters. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (PRINTABLE.test(ch)) out += ch;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else {
      const hex = cp.toString(16);
      out += NAMED_ESCAPES[cp] ?? (cp < 0x20 || cp === 0x7f ? `\\x${hex.padStart(2, '0')}` : cp < 0x10000 ? `\\u${hex.padStart(4, '0')}` : `\\U${hex.padStart(8, '0')}`);
    }
  }
  return `${out}"`;
}

const DECIMAL_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/;

/** Go's strconv.ParseFloat(s, 64); undefined where Go returns an error (syntax, or overflow to ±Inf). */
export function parseGoFloat(s: string): number | undefined {
  const special = /^([+-]?)(inf|infinity)$/i.exec(s);
  if (special) return special[1] === '-' ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  if (DECIMAL_FLOAT.test(s)) {
    const v = Number(s);
    return Number.isFinite(v) ? v : undefined;
  }
  const hex = HEX_FLOAT.exec(s);
  if (hex) {
    const [, sign, int, frac] = hex as unknown as [string, string, string, string, string];
    if (int + frac === '') return undefined;
    const v = Number(BigInt(`0x${int}${frac}`)) * 2 ** (Number(hex[4]) - 4 * frac.length);
    if (!Number.isFinite(v)) return undefined;
    return sign === '-' ? -v : v;
  }
  return undefined;
}

/**
 * A valid label name in Prometheus 3 (UTF-8 validation): non-empty, valid UTF-8. The parser decodes string
 * literals' invalid UTF-8 bytes (`"\xff"`) to U+FFFD, so U+FFFD stands for invalid UTF-8 here.
 */
export function isValidLabelName(name: string): boolean {
  return name.length > 0 && !/\uFFFD|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(name);
}

/** Compares strings by code point, as Go compares (UTF-8 byte order). */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort after every BMP character in UTF-8 order.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
