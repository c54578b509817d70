import type { Labels } from '../../../protocol/labels.ts';
import { compileGoRegexUnanchored, expandTemplate } from '../../../agent/collect/scrape/relabel-regex.ts';
import type { TemplateFunc } from './exec.ts';
import { queryEscape } from './builtins.ts';
import { goSprintf } from './go-printf.ts';
import { formatV, GoDuration, GoMap, GoStruct, GoTime, parseDurationSeconds, toFloat, type GoValue } from './go-values.ts';

/** One element of a `query` result, as Prometheus hands it to templates (`.Labels`, `.Value`). */
export interface TemplateSample {
  readonly labels: Labels;
  readonly value: number;
}

/** What the template functions need from the rule evaluation that expands them. */
export interface TemplateEnv {
  /** The evaluation's timestamp, ms (the `now` function, and the time `query` runs at). */
  readonly ts: number;
  /** Runs an instant query at the evaluation time; absent where no data is at hand (checks at load). */
  readonly query?: (expr: string, ts: number) => readonly TemplateSample[];
  readonly externalURL: string;
}

export function templateSample(s: TemplateSample): GoStruct {
  return new GoStruct('*template.sample', new Map<string, GoValue>([['Labels', GoMap.ofStrings(s.labels)], ['Value', s.value]]), true);
}

const SI_UP = ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
const SI_DOWN = ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y'];
const IEC = ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi'];
const g4 = (v: number) => goSprintf('%.4g', [v]);

function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return g4(v);
  let prefix = '';
  if (Math.abs(v) >= 1) {
    for (const p of SI_UP) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
  } else {
    for (const p of SI_DOWN) {
      if (Math.abs(v) >= 1) break;
      prefix = p;
      v *= 1000;
    }
  }
  return g4(v) + prefix;
}

function humanize1024(v: number): string {
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return g4(v);
  let prefix = '';
  for (const p of IEC) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return g4(v) + prefix;
}

/** prometheus/common's HumanizeDuration: `1d 2h 3m 4s`, `1.5s`, `500ms`. */
function humanizeDuration(v: number): string {
  if (!Number.isFinite(v)) return g4(v);
  if (v === 0) return `${g4(v)}s`;
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : '';
    const abs = Math.abs(v);
    const whole = Math.trunc(abs);
    const [d, h, m, s] = [Math.trunc(whole / 86400), Math.trunc(whole / 3600) % 24, Math.trunc(whole / 60) % 60, whole % 60];
    if (d !== 0) return `${sign}${d}d ${h}h ${m}m ${s}s`;
    if (h !== 0) return `${sign}${h}h ${m}m ${s}s`;
    if (m !== 0) return `${sign}${m}m ${s}s`;
    return `${sign}${g4(abs)}s`;
  }
  let prefix = '';
  for (const p of SI_DOWN) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${g4(v)}${prefix}s`;
}

/** A time from seconds since the epoch, at millisecond precision as Prometheus' model.Time keeps it. */
function toTime(v: number): GoTime {
  if (!Number.isFinite(v)) throw new Error('value is NaN or Inf');
  const ns = v * 1e9;
  if (Math.abs(ns) > 9.223372036854775807e18) throw new Error(`${goSprintf('%v', [v])} cannot be represented as a nanoseconds timestamp since it overflows int64`);
  return new GoTime(Math.trunc(Math.trunc(ns) / 1e6));
}

/** net.SplitHostPort's host, or undefined when the text is not host:port. */
function splitHost(hostPort: string): { host: string; port: string } | undefined {
  const bracket = /^\[([^\]]*)\]:([^:]*)$/.exec(hostPort);
  if (bracket) return { host: bracket[1] as string, port: bracket[2] as string };
  const i = hostPort.lastIndexOf(':');
  if (i < 0 || hostPort.indexOf(':') !== i || hostPort.includes('[') || hostPort.includes(']')) return undefined;
  return { host: hostPort.slice(0, i), port: hostPort.slice(i + 1) };
}

const isIp = (host: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || (host.includes(':') && /^[0-9a-fA-F:.]+$/.test(host));

function sortByLabel(label: string, v: GoValue): GoValue {
  if (!Array.isArray(v)) throw new Error('sortByLabel needs a query result');
  const key = (s: GoValue) => ((s as GoStruct).fields.get('Labels') as GoMap).entries.get(label) ?? '';
  // Stable, as Go's sort.Stable.
  return [...v].sort((a, b) => ((key(a) as string) < (key(b) as string) ? -1 : (key(a) as string) > (key(b) as string) ? 1 : 0));
}

const fn = (arity: number, call: (a: GoValue[]) => GoValue, params?: TemplateFunc['params']): TemplateFunc => ({
  arity,
  call: call as TemplateFunc['call'],
  ...(params ? { params } : {}),
});
const num = (f: (v: number) => GoValue) => fn(1, ([a]) => f(toFloat(a as GoValue)));
const labelsOf = (s: GoValue) => (s as GoStruct).fields.get('Labels') as GoMap;

/** Prometheus' template functions (https://prometheus.io/docs/prometheus/latest/configuration/template_reference/). */
export function prometheusFuncs(env: TemplateEnv): Map<string, TemplateFunc> {
  const linkFor = (tab: number) => (expr: string) => `/graph?g0.expr=${queryEscape(expr)}&g0.tab=${tab}`;
  return new Map<string, TemplateFunc>([
    ['query', fn(1, ([q]) => {
      if (!env.query) throw new Error('no data to query here');
      return env.query(q as string, env.ts).map(templateSample);
    }, ['string'])],
    ['first', fn(1, ([v]) => {
      if (!Array.isArray(v)) throw new Error('first() needs a query result');
      if (v.length === 0) throw new Error('first() called on vector with no elements');
      return v[0] as GoValue;
    })],
    ['label', fn(2, ([l, s]) => labelsOf(s as GoValue).entries.get(l as string) ?? '', ['string', 'sample'])],
    ['value', fn(1, ([s]) => (s as GoStruct).fields.get('Value') as GoValue, ['sample'])],
    ['strvalue', fn(1, ([s]) => labelsOf(s as GoValue).entries.get('__value__') ?? '', ['sample'])],
    ['args', { ...fn(0, (a) => new GoMap('map[string]interface {}', new Map(a.map((v, i) => [`arg${i}`, v])), null)), variadic: true }],
    ['reReplaceAll', fn(3, ([pattern, repl, text]) => {
      const re = compileGoRegexUnanchored(pattern as string, true);
      return (text as string).replace(re, (...m) => {
        const groups = typeof m[m.length - 1] === 'object' ? (m[m.length - 1] as Record<string, string>) : undefined;
        const match = Object.assign(m.slice(0, groups ? -3 : -2) as string[], { index: 0, input: '', groups }) as unknown as RegExpExecArray;
        return expandTemplate(repl as string, match);
      });
    }, ['string', 'string', 'string'])],
    ['safeHtml', fn(1, ([t]) => t as string, ['string'])],
    ['match', fn(2, ([pattern, text]) => compileGoRegexUnanchored(pattern as string).test(text as string), ['string', 'string'])],
    ['title', fn(1, ([s]) => (s as string).replace(/(^|[^\p{L}\p{N}'_])(\p{L})/gu, (_, pre: string, c: string) => pre + c.toUpperCase()), ['string'])],
    ['toUpper', fn(1, ([s]) => (s as string).toUpperCase(), ['string'])],
    ['toLower', fn(1, ([s]) => (s as string).toLowerCase(), ['string'])],
    ['graphLink', fn(1, ([e]) => linkFor(0)(e as string), ['string'])],
    ['tableLink', fn(1, ([e]) => linkFor(1)(e as string), ['string'])],
    ['sortByLabel', fn(2, ([l, v]) => sortByLabel(l as string, v as GoValue), ['string'])],
    ['stripPort', fn(1, ([hp]) => splitHost(hp as string)?.host ?? (hp as string), ['string'])],
    ['stripDomain', fn(1, ([hp]) => {
      const split = splitHost(hp as string);
      const host = split?.host ?? (hp as string);
      if (isIp(host)) return hp as string;
      const short = host.split('.')[0] as string;
      return split && split.port !== '' ? (short.includes(':') ? `[${short}]:${split.port}` : `${short}:${split.port}`) : short;
    }, ['string'])],
    ['humanize', num(humanize)],
    ['humanize1024', num(humanize1024)],
    ['humanizeDuration', num(humanizeDuration)],
    ['humanizePercentage', num((v) => `${g4(v * 100)}%`)],
    ['humanizeTimestamp', num((v) => (Number.isFinite(v) ? formatV(toTime(v)) : g4(v)))],
    ['toTime', num(toTime)],
    ['toDuration', num((v) => new GoDuration(v))],
    ['now', fn(0, () => env.ts / 1000)],
    ['pathPrefix', fn(0, () => {
      const path = safeUrl(env.externalURL)?.pathname ?? '';
      return path === '/' ? '' : path;
    })],
    ['externalURL', fn(0, () => env.externalURL)],
    ['parseDuration', fn(1, ([d]) => parseDurationSeconds(d as string), ['string'])],
    ['urlQueryEscape', fn(1, ([s]) => queryEscape(s as string), ['string'])],
  ]);
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
