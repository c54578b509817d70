import type { LazyArg, TemplateFunc } from './exec.ts';
import { goSprint, goSprintf, goSprintln } from './go-printf.ts';
import { goTypeName, GoMap, isTrue, type GoValue } from './go-values.ts';

/** Go's comparison kinds: values of different kinds do not compare (`gt $value 80` fails; `gt $value 80.0` works). */
function basicKind(v: GoValue): 'bool' | 'int' | 'float' | 'string' {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'string';
  throw new Error('invalid type for comparison');
}

function equal(a: GoValue, b: GoValue): boolean {
  if (basicKind(a) !== basicKind(b)) throw new Error('incompatible types for comparison');
  return a === b;
}

function less(a: GoValue, b: GoValue): boolean {
  const k = basicKind(a);
  if (k !== basicKind(b)) throw new Error('incompatible types for comparison');
  if (k === 'bool') throw new Error('invalid type for comparison');
  return (a as number | bigint | string) < (b as number | bigint | string);
}

/** Go's HTMLEscapeString. */
function htmlEscape(s: string): string {
  return s.replace(/[&'<>"\0]/g, (c) => ({ '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '\0': '\uFFFD' })[c] as string);
}

/** Go's JSEscapeString. */
function jsEscape(s: string): string {
  return s.replace(/[\\'"<>&=\u0000-\u001f]/g, (c) => {
    if (c === '\\' || c === "'" || c === '"') return `\\${c}`;
    return `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  });
}

/** Go's url.QueryEscape: spaces as "+", everything outside [A-Za-z0-9-_.~] percent-encoded. */
export function queryEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
}

function indexOf(item: GoValue, key: GoValue): GoValue {
  if (item instanceof GoMap) {
    if (typeof key !== 'string') throw new Error(`value has type ${goTypeName(key)}; should be string`);
    return item.entries.has(key) ? (item.entries.get(key) as GoValue) : item.zero;
  }
  if (Array.isArray(item) || typeof item === 'string') {
    if (typeof key !== 'bigint') throw new Error(`cannot index slice/array with type ${goTypeName(key)}`);
    const len = typeof item === 'string' ? Buffer.byteLength(item) : item.length;
    if (key < 0n || key >= BigInt(len)) throw new Error(`index out of range: ${key}`);
    return typeof item === 'string' ? BigInt(Buffer.from(item)[Number(key)] as number) : (item[Number(key)] as GoValue);
  }
  throw new Error(`can't index item of type ${goTypeName(item)}`);
}

const fn = (arity: number, call: (a: GoValue[]) => GoValue, more: Partial<TemplateFunc> = {}): TemplateFunc => ({ arity, call: call as TemplateFunc['call'], ...more });
const lazy = (call: (a: LazyArg[]) => GoValue): TemplateFunc => ({ arity: 1, variadic: true, lazy: true, call: call as TemplateFunc['call'] });

/** text/template's predefined functions (https://pkg.go.dev/text/template#hdr-Functions), `call` excepted. */
export const GO_BUILTINS: ReadonlyMap<string, TemplateFunc> = new Map<string, TemplateFunc>([
  ['and', lazy((args) => {
    let v: GoValue = null;
    for (const a of args) if (!isTrue((v = a()))) return v;
    return v;
  })],
  ['or', lazy((args) => {
    let v: GoValue = null;
    for (const a of args) if (isTrue((v = a()))) return v;
    return v;
  })],
  ['not', fn(1, ([a]) => !isTrue(a as GoValue))],
  ['len', fn(1, ([a]) => {
    if (typeof a === 'string') return BigInt(Buffer.byteLength(a));
    if (Array.isArray(a)) return BigInt(a.length);
    if (a instanceof GoMap) return BigInt(a.entries.size);
    throw new Error(`len of type ${goTypeName(a as GoValue)}`);
  })],
  ['index', fn(1, ([item, ...keys]) => keys.reduce<GoValue>((v, k) => indexOf(v, k), item as GoValue), { variadic: true })],
  ['slice', fn(1, ([item, ...idx]) => {
    const bounds = idx.map((i) => {
      if (typeof i !== 'bigint') throw new Error(`cannot index slice/array with type ${goTypeName(i)}`);
      return Number(i);
    });
    if (typeof item === 'string') return Buffer.from(item).subarray(bounds[0] ?? 0, bounds[1]).toString();
    if (Array.isArray(item)) return item.slice(bounds[0] ?? 0, bounds[1]);
    throw new Error(`can't slice item of type ${goTypeName(item as GoValue)}`);
  }, { variadic: true })],
  ['print', fn(0, (a) => goSprint(a), { variadic: true })],
  ['printf', fn(1, ([format, ...rest]) => goSprintf(format as string, rest), { variadic: true, params: ['string'] })],
  ['println', fn(0, (a) => goSprintln(a), { variadic: true })],
  ['eq', fn(2, ([a, ...bs]) => bs.some((b) => equal(a as GoValue, b)), { variadic: true })],
  ['ne', fn(2, ([a, b]) => !equal(a as GoValue, b as GoValue))],
  ['lt', fn(2, ([a, b]) => less(a as GoValue, b as GoValue))],
  ['le', fn(2, ([a, b]) => less(a as GoValue, b as GoValue) || equal(a as GoValue, b as GoValue))],
  ['gt', fn(2, ([a, b]) => !less(a as GoValue, b as GoValue) && !equal(a as GoValue, b as GoValue))],
  ['ge', fn(2, ([a, b]) => !less(a as GoValue, b as GoValue))],
  ['html', fn(0, (a) => htmlEscape(goSprint(a)), { variadic: true })],
  ['js', fn(0, (a) => jsEscape(goSprint(a)), { variadic: true })],
  ['urlquery', fn(0, (a) => queryEscape(goSprint(a)), { variadic: true })],
]);
