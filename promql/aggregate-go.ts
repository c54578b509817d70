/**
 * The few pieces of Go's standard library whose exact behaviour shows through in PromQL aggregation results:
 * sort.Sort (pdqsort, unstable, so the order of ties is an artefact of the algorithm), container/heap (which
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

const bitsLen = (n: number): number => (n <= 0 ? 0 : 32 - Math.clz32(n));

/** sort.Sort: pattern-defeating quicksort, as in Go 1.19 and later. */
export function goSort<T>(items: T[], less: Less<T>): void {
  if (items.length <= 1) return;
  pdqsort(new Data(items, less), 0, items.length, bitsLen(items.length));
}

function insertionSort<T>(s: Data<T>, a: number, b: number): void {
  for (let i = a + 1; i < b; i++) for (let j = i; j > a && s.less(j, j - 1); j--) s.swap(j, j - 1);
}

function siftDown<T>(s: Data<T>, lo: number, hi: number, first: number): void {
  let root = lo;
  for (;;) {
    let child = 2 * root + 1;
    if (child >= hi) return;
    if (child + 1 < hi && s.less(first + child, first + child + 1)) child++;
    if (!s.less(first + root, first + child)) return;
    s.swap(first + root, first + child);
    root = child;
  }
}

function heapSort<T>(s: Data<T>, a: number, b: number): void {
  const hi = b - a;
  for (let i = Math.floor((hi - 1) / 2); i >= 0; i--) siftDown(s, i, hi, a);
  for (let i = hi - 1; i >= 0; i--) {
    s.swap(a, a + i);
    siftDown(s, 0, i, a);
  }
}

enum Hint {
  Unknown,
  Increasing,
  Decreasing,
}

function pdqsort<T>(s: Data<T>, a: number, b: number, limit: number): void {
  let wasBalanced = true;
  let wasPartitioned = true;
  for (;;) {
    const length = b - a;
    if (length <= 12) return insertionSort(s, a, b);
    if (limit === 0) return heapSort(s, a, b);
    if (!wasBalanced) {
      breakPatterns(s, a, b);
      limit--;
    }
    let [pivot, hint] = choosePivot(s, a, b);
    if (hint === Hint.Decreasing) {
      for (let i = a, j = b - 1; i < j; i++, j--) s.swap(i, j);
      pivot = b - 1 - (pivot - a);
      hint = Hint.Increasing;
    }
    if (wasBalanced && wasPartitioned && hint === Hint.Increasing && partialInsertionSort(s, a, b)) return;
    if (a > 0 && !s.less(a - 1, pivot)) {
      a = partitionEqual(s, a, b, pivot);
      continue;
    }
    const [mid, already] = partition(s, a, b, pivot);
    wasPartitioned = already;
    const threshold = Math.floor(length / 8);
    if (mid - a < b - mid) {
      wasBalanced = mid - a >= threshold;
      pdqsort(s, a, mid, limit);
      a = mid + 1;
    } else {
      wasBalanced = b - mid >= threshold;
      pdqsort(s, mid + 1, b, limit);
      b = mid;
    }
  }
}

function partition<T>(s: Data<T>, a: number, b: number, pivot: number): [number, boolean] {
  s.swap(a, pivot);
  let i = a + 1;
  let j = b - 1;
  while (i <= j && s.less(i, a)) i++;
  while (i <= j && !s.less(j, a)) j--;
  if (i > j) {
    s.swap(j, a);
    return [j, true];
  }
  s.swap(i++, j--);
  for (;;) {
    while (i <= j && s.less(i, a)) i++;
    while (i <= j && !s.less(j, a)) j--;
    if (i > j) break;
    s.swap(i++, j--);
  }
  s.swap(j, a);
  return [j, false];
}

function partitionEqual<T>(s: Data<T>, a: number, b: number, pivot: number): number {
  s.swap(a, pivot);
  let i = a + 1;
  let j = b - 1;
  for (;;) {
    while (i <= j && !s.less(a, i)) i++;
    while (i <= j && s.less(a, j)) j--;
    if (i > j) return i;
    s.swap(i++, j--);
  }
}

function partialInsertionSort<T>(s: Data<T>, a: number, b: number): boolean {
  let i = a + 1;
  for (let step = 0; step < 5; step++) {
    while (i < b && !s.less(i, i - 1)) i++;
    if (i === b) return true;
    if (b - a < 50) return false;
    s.swap(i, i - 1);
    if (i - a >= 2) for (let j = i - 1; j >= 1 && s.less(j, j - 1); j--) s.swap(j, j - 1);
    if (b - i >= 2) for (let j = i + 1; j < b && s.less(j, j - 1); j++) s.swap(j, j - 1);
  }
  return false;
}

const MASK64 = (1n << 64n) - 1n;

function breakPatterns<T>(s: Data<T>, a: number, b: number): void {
  const length = b - a;
  if (length < 8) return;
  let random = BigInt(length);
  const modulus = 2 ** bitsLen(length);
  const start = a + Math.floor(length / 4) * 2;
  for (let idx = start - 1; idx <= start + 1; idx++) {
    random ^= (random << 13n) & MASK64;
    random ^= random >> 7n;
    random ^= (random << 17n) & MASK64;
    let other = Number(random & BigInt(modulus - 1));
    if (other >= length) other -= length;
    s.swap(idx, a + other);
  }
}

function choosePivot<T>(s: Data<T>, a: number, b: number): [number, Hint] {
  const l = b - a;
  const swaps = { n: 0 };
  const q = Math.floor(l / 4);
  let i = a + q;
  let j = a + q * 2;
  let k = a + q * 3;
  if (l >= 8) {
    if (l >= 50) {
      i = median(s, i - 1, i, i + 1, swaps);
      j = median(s, j - 1, j, j + 1, swaps);
      k = median(s, k - 1, k, k + 1, swaps);
    }
    j = median(s, i, j, k, swaps);
  }
  return [j, swaps.n === 0 ? Hint.Increasing : swaps.n === 12 ? Hint.Decreasing : Hint.Unknown];
}

function median<T>(s: Data<T>, a: number, b: number, c: number, swaps: { n: number }): number {
  const order = (x: number, y: number): [number, number] => {
    if (!s.less(y, x)) return [x, y];
    swaps.n++;
    return [y, x];
  };
  [a, b] = order(a, b);
  [b, c] = order(b, c);
  [a, b] = order(a, b);
  return b;
}

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
