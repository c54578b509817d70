import { parseDurationMs } from '../../duration.ts';
import { formatGoFloat } from './go-float.ts';

/**
 * Go values as a template sees them. Go's types matter to what templates print and compare, so they are kept:
 * an int is a bigint, a float64 a number; maps and structs are classes that remember their Go type.
 */
export type GoValue = string | number | bigint | boolean | null | GoValue[] | GoMap | GoStruct | GoTime | GoDuration;

/** A Go map (map[string]string for label sets); iterated and printed in sorted key order, as Go does. */
export class GoMap {
  constructor(
    readonly type: string,
    readonly entries: ReadonlyMap<string, GoValue>,
    /** The value a missing key reads as (`missingkey=zero`): "" for map[string]string. */
    readonly zero: GoValue,
  ) {}

  static ofStrings(record: Readonly<Record<string, string>>): GoMap {
    return new GoMap('map[string]string', new Map(Object.entries(record)), '');
  }
}

/** A Go struct (or a pointer to one, when `pointer`), read by field name. */
export class GoStruct {
  constructor(
    readonly type: string,
    readonly fields: ReadonlyMap<string, GoValue>,
    readonly pointer = false,
  ) {}
}

/** A time.Time from toTime: printed as Go's Time.String(), UTC. */
export class GoTime {
  constructor(readonly ms: number) {}
}

/** A time.Duration from toDuration: printed as Go's Duration.String(). */
export class GoDuration {
  constructor(readonly seconds: number) {}
}

export function goTypeName(v: GoValue): string {
  if (v === null) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof GoMap || v instanceof GoStruct) return v.type;
  return v instanceof GoTime ? '*time.Time' : '*time.Duration';
}

/** Go's truth in `if` and `with`: the zero value of its type and empty collections are false. */
export function isTrue(v: GoValue): boolean {
  if (v === null) return false;
  if (typeof v === 'string') return v !== '';
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof GoMap) return v.entries.size > 0;
  return true;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Go's Time.String() for a UTC time: `2006-01-02 15:04:05.999999999 +0000 UTC`. */
function timeString(ms: number): string {
  const d = new Date(ms);
  const frac = ms % 1000 === 0 ? '' : `.${String(((ms % 1000) + 1000) % 1000).padStart(3, '0').replace(/0+$/, '')}`;
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}${frac} +0000 UTC`;
}

/** Go's Duration.String(): `1h2m3.5s`, `1.5ms`, `0s`. */
function durationString(seconds: number): string {
  if (seconds === 0) return '0s';
  const sign = seconds < 0 ? '-' : '';
  const abs = Math.abs(seconds);
  if (abs < 1) {
    const [unit, scale] = abs < 1e-6 ? ['ns', 1e9] : abs < 1e-3 ? ['µs', 1e6] : ['ms', 1e3];
    return `${sign}${formatGoFloat(Math.round(abs * 1e9) / (1e9 / (scale as number)), 'g', -1)}${unit}`;
  }
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = Math.round((abs % 60) * 1e9) / 1e9;
  const sec = `${formatGoFloat(s, 'f', -1)}s`;
  if (h > 0) return `${sign}${h}h${m}m${sec}`;
  if (m > 0) return `${sign}${m}m${sec}`;
  return `${sign}${sec}`;
}

/** fmt's `%v`, which is also how an action prints its value. */
export function formatV(v: GoValue, top = true): string {
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatGoFloat(v, 'g', -1);
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => formatV(x, false)).join(' ')}]`;
  if (v instanceof GoMap) {
    const keys = [...v.entries.keys()].sort();
    return `map[${keys.map((k) => `${k}:${formatV(v.entries.get(k) as GoValue, false)}`).join(' ')}]`;
  }
  if (v instanceof GoStruct) {
    const body = `{${[...v.fields.values()].map((x) => formatV(x, false)).join(' ')}}`;
    // fmt prints the struct behind a pointer only at the top level; nested pointers print as addresses.
    return v.pointer ? (top ? `&${body}` : '0xc000010000') : body;
  }
  if (v instanceof GoTime) return timeString(v.ms);
  return durationString(v.seconds);
}

/** Prometheus' ConvertToFloat: float64, ints, numeric strings and durations; anything else is an error. */
export function toFloat(v: GoValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof GoDuration) return v.seconds;
  if (typeof v === 'string') {
    const parsed = parseGoFloatText(v);
    if (parsed === undefined) throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(v)}: invalid syntax`);
    return parsed;
  }
  throw new Error(`can't convert ${goTypeName(v)} to float`);
}

/** strconv.ParseFloat's accepted text: decimal and hex floats, underscores between digits, Inf and NaN. */
function parseGoFloatText(text: string): number | undefined {
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(text);
  if (special) return (special[2] as string).toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  if (!/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** A duration in seconds from Prometheus' duration text, negative allowed (parseDuration). */
export function parseDurationSeconds(text: string): number {
  const negative = text.startsWith('-');
  const ms = parseDurationMs(negative ? text.slice(1) : text);
  if (ms === undefined) throw new Error(`not a valid duration string: ${JSON.stringify(text)}`);
  return ((negative ? -1 : 1) * ms) / 1000;
}
