/**
 * The few pieces of Go's standard library whose exact behaviour shows through in PromQL aggregation results:
 * sort.Sort (re-exported from functions/gosort.ts), container/heap (which
 * series topk keeps among equal values), and strconv's float formatting (count_values labels, annotation text).
 * Reimplemented from the algorithms Go documents, so outputs match Prometheus series for series.
 */

/** Go's `less(i, j)` of a sort.Interface, expressed on the elements. */
export type Less<T> = (a: T, b: T) => boolean;

class Data<T> {
  constructor(
    readonly d: T[],
    readonly lessFn: Less<T>,
  ) {}
  less(i: number, j: number): boolean {
    return this.lessFn(this.d[i] as T, this.d[j] as T);
  }
  swap(i: number, j: number): void {
    const x = this.d[i] as T;
    this.d[i] = this.d[j] as T;
    this.d[j] = x;
  }
}


/** sort.Sort as Go implements it lives in functions/gosort.ts; aggregation sorts with the same code. */
export { goSort } from './functions/gosort.ts';


/** container/heap's Push. */
export function heapPush<T>(h: T[], x: T, less: Less<T>): void {
  h.push(x);
  heapUp(new Data(h, less), h.length - 1);
}

/** container/heap's Fix: restores the heap after h[i] changed. */
export function heapFix<T>(h: T[], i: number, less: Less<T>): void {
  const s = new Data(h, less);
  if (!heapDown(s, i, h.length)) heapUp(s, i);
}

function heapUp<T>(s: Data<T>, j: number): void {
  for (;;) {
    const i = Math.trunc((j - 1) / 2);
    if (i === j || !s.less(j, i)) return;
    s.swap(i, j);
    j = i;
  }
}

function heapDown<T>(s: Data<T>, i0: number, n: number): boolean {
  let i = i0;
  for (;;) {
    const j1 = 2 * i + 1;
    if (j1 >= n) break;
    let j = j1;
    if (j1 + 1 < n && s.less(j1 + 1, j1)) j = j1 + 1;
    if (!s.less(j, i)) break;
    s.swap(i, j);
    i = j;
  }
  return i > i0;
}

/** Shortest round-trip decimal digits and the decimal exponent of a finite, non-zero |v|: v = 0.d1d2… × 10^dp. */
function digits(v: number): { digs: string; dp: number } {
  const [mant, exp] = Math.abs(v).toExponential().split('e') as [string, string];
  return { digs: mant.replace('.', ''), dp: Number(exp) + 1 };
}

function special(v: number): string | undefined {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  return undefined;
}

/** strconv.FormatFloat(v, 'f', -1, 64): shortest digits, never an exponent (1e21 prints as 22 digits). */
export function formatFloatF(v: number): string {
  const sp = special(v);
  if (sp !== undefined) return sp;
  const { digs, dp } = digits(v);
  const sign = v < 0 ? '-' : '';
  if (dp <= 0) return `${sign}0.${'0'.repeat(-dp)}${digs}`;
  if (dp >= digs.length) return sign + digs + '0'.repeat(dp - digs.length);
  return `${sign}${digs.slice(0, dp)}.${digs.slice(dp)}`;
}

/** Go's %g and %v of a float64: shortest digits, exponent form when the exponent is < -4 or >= 6 (1e+06). */
export function formatFloatG(v: number): string {
  const sp = special(v);
  if (sp !== undefined) return sp;
  const { digs, dp } = digits(v);
  const exp = dp - 1;
  if (exp >= -4 && exp < 6) return formatFloatF(v);
  const mant = digs.length > 1 ? `${digs[0]}.${digs.slice(1)}` : digs;
  const e = Math.abs(exp);
  return `${v < 0 ? '-' : ''}${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
}

const QUOTE_ESCAPES: Record<string, string> = {
  '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\', '"': '\\"',
};

/**
 * strconv.Quote for the strings an error message names. A lone surrogate stands for bytes that are not UTF-8:
 * U+DC80–U+DCFF as the byte itself (the "surrogateescape" convention, so "a\xc5z" quotes as in Go), others as \uXXXX.
 */
export function goQuote(s: string): string {
  const body = s.replace(/[\x00-\x1f\x7f"\\]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (c) => {
    const named = QUOTE_ESCAPES[c];
    if (named !== undefined) return named;
    const code = c.charCodeAt(0);
    if (code < 0x80) return `\\x${code.toString(16).padStart(2, '0')}`;
    return code >= 0xdc80 && code <= 0xdcff ? `\\x${(code - 0xdc00).toString(16)}` : `\\u${code.toString(16)}`;
  });
  return `"${body}"`;
}
