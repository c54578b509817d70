import type { Labels } from '../../protocol/labels.ts';
import { parseDurationMs } from '../duration.ts';
import { unquote } from '../strings.ts';

/**
 * Prometheus' expanding series notation (promtool unit tests and PromQL test scripts):
 * `metric{a="b"} 1 2+3x4 _ _x2 stale -1-0.5x3 NaN Inf {{schema:0 sum:1}}`.
 * `a+bxN` / `a-bxN` expand to N+1 values starting at a; `axN` repeats a N+1 times; `_xN` is N missing values.
 */
export type SeqValue =
  | { readonly kind: 'float'; readonly v: number }
  | { readonly kind: 'stale' }
  | { readonly kind: 'omitted' }
  /** A native histogram (`{{…}}`): Outpost stores floats only, so these are kept as text and skipped. */
  | { readonly kind: 'histogram'; readonly text: string };

export interface SeriesLine {
  readonly labels: Labels;
  readonly values: SeqValue[];
}

export class NotationError extends Error {}

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const DIGITS = String.raw`\d(?:_?\d)*`;
const NUMBER = String.raw`(?:inf|nan|(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:e[+-]?${DIGITS})?)`;
const DURATION = String.raw`(?:\d+(?:ms|[smhdwy]))+`;
// value [signed delta] [x count]; the duration alternative comes first so `1m` is not read as `1` + junk.
const FLOAT_ITEM = new RegExp(String.raw`^(stale|[+-]?(?:${DURATION}|${NUMBER}))(?:([+-](?:${DURATION}|${NUMBER})))?(?:x(\d+))?$`, 'i');
const BLANK_ITEM = /^_(?:x(\d+))?$/;
const HISTOGRAM_ITEM = /^([+-]?)\{\{.*\}\}(?:([+-])\{\{.*\}\})?(?:x(\d+))?$/s;

/** Go's strconv.ParseFloat for the forms test scripts use: decimals, exponents, Inf/Infinity/NaN with any case. */
export function parseGoFloat(text: string): number | undefined {
  const t = text.trim();
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(t);
  if (special) {
    if ((special[2] as string).toLowerCase() === 'nan') return special[1] === '' ? NaN : undefined;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  if (!new RegExp(String.raw`^[+-]?(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:e[+-]?${DIGITS})?$`, 'i').test(t)) return undefined;
  return Number(t.replace(/_/g, ''));
}

/** A bare number line (a scalar expectation): Go's ParseInt with base prefixes, else ParseFloat. */
export function parseNumberLine(text: string): number | undefined {
  const int = /^([+-]?)0([xob])([0-9a-f_]+)$/i.exec(text);
  if (int) {
    const n = Number(`0${(int[2] as string).toLowerCase()}${(int[3] as string).replace(/_/g, '')}`);
    return Number.isNaN(n) ? undefined : int[1] === '-' ? -n : n;
  }
  return parseGoFloat(text);
}

/** One number of the notation: a float, or a duration meaning its length in seconds (PromQL's rule). */
function numberValue(text: string): number {
  const sign = text.startsWith('-') ? -1 : 1;
  const body = text.replace(/^[+-]/, '');
  const ms = /^\d/.test(body) && /[smhdwy]$/i.test(body) ? parseDurationMs(body) : undefined;
  if (ms !== undefined) return (sign * ms) / 1000;
  const v = parseGoFloat(body);
  if (v === undefined) throw new NotationError(`invalid number ${JSON.stringify(text)}`);
  return sign * v;
}

function count(text: string | undefined, item: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new NotationError(`invalid repetition in series values: ${JSON.stringify(item)}`);
  return n;
}

/** Expands one whitespace-free item (histograms may contain spaces; the tokenizer keeps them whole). */
export function expandItem(item: string): SeqValue[] {
  const blank = BLANK_ITEM.exec(item);
  if (blank) return Array.from({ length: blank[1] === undefined ? 1 : count(blank[1], item) }, () => ({ kind: 'omitted' as const }));
  if (item.includes('{{')) {
    const h = HISTOGRAM_ITEM.exec(item);
    if (!h) throw new NotationError(`invalid histogram value ${JSON.stringify(item)}`);
    const n = h[3] === undefined ? 1 : count(h[3], item) + 1;
    return Array.from({ length: n }, () => ({ kind: 'histogram' as const, text: item }));
  }
  const m = FLOAT_ITEM.exec(item);
  if (!m) throw new NotationError(`invalid series value ${JSON.stringify(item)}: expected a number, "stale", "_" or a{+|-}bxN`);
  const [, base, delta, times] = m as unknown as [string, string, string | undefined, string | undefined];
  if (base === 'stale' || base.toLowerCase() === 'stale') {
    if (base !== 'stale' || delta !== undefined) throw new NotationError(`invalid series value ${JSON.stringify(item)}`);
    return Array.from({ length: times === undefined ? 1 : count(times, item) + 1 }, () => ({ kind: 'stale' as const }));
  }
  if (times === undefined) {
    if (delta !== undefined) throw new NotationError(`invalid series value ${JSON.stringify(item)}: a delta needs xN`);
    return [{ kind: 'float', v: numberValue(base) }];
  }
  const start = numberValue(base);
  const step = delta === undefined ? 0 : numberValue(delta);
  const n = count(times, item);
  // Prometheus adds the delta repeatedly (float accumulation), so do the same to match its values exactly.
  const out: SeqValue[] = [];
  let v = start;
  for (let i = 0; i <= n; i++) {
    out.push({ kind: 'float', v });
    v += step;
  }
  return out;
}

/** Splits the value part on whitespace, keeping `{{ … }}` histograms (which contain spaces) whole. */
function tokens(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('{{', i)) {
      const close = text.indexOf('}}', i + 2);
      if (close < 0) throw new NotationError('unterminated histogram: missing "}}"');
      cur += text.slice(i, close + 2);
      i = close + 1;
    } else if (/\s/.test(text[i] as string)) {
      if (cur !== '') out.push(cur);
      cur = '';
    } else {
      cur += text[i];
    }
  }
  if (cur !== '') out.push(cur);
  return out;
}

export function parseSequence(text: string): SeqValue[] {
  return tokens(text).flatMap(expandItem);
}

/** Reads a quoted string starting at `i`; returns its value and the index after the closing quote. */
function quoted(line: string, i: number): [string, number] {
  const q = line[i] as string;
  let j = i + 1;
  while (j < line.length && line[j] !== q) j += q !== '`' && line[j] === '\\' ? 2 : 1;
  if (j >= line.length) throw new NotationError(`unterminated quoted string in ${JSON.stringify(line)}`);
  try {
    return [unquote(line.slice(i, j + 1)), j + 1];
  } catch (err) {
    throw new NotationError(`invalid string ${line.slice(i, j + 1)}: ${(err as Error).message}`);
  }
}

/** `name{a="b", "c"="d"}` (either part optional) at the start of `line`; returns the labels and the rest. */
export function parseLabelsPrefix(line: string): { labels: Labels; rest: string } {
  const labels: Record<string, string> = {};
  let i = 0;
  const name = NAME_RE.exec(line)?.[0];
  if (name !== undefined) {
    labels.__name__ = name;
    i = name.length;
  }
  const ws = () => {
    while (i < line.length && /\s/.test(line[i] as string)) i++;
  };
  if (line[i] === '{') {
    i++;
    for (;;) {
      ws();
      if (line[i] === '}') break;
      let label: string;
      if (line[i] === '"' || line[i] === "'" || line[i] === '`') {
        [label, i] = quoted(line, i);
        ws();
        if (line[i] !== '=') {
          labels.__name__ = label; // `{"metric.name", …}`: a quoted name alone is the metric name
          label = '';
        }
      } else {
        label = LABEL_RE.exec(line.slice(i))?.[0] ?? '';
        if (label === '') throw new NotationError(`expected a label name at column ${i + 1} of ${JSON.stringify(line)}`);
        i += label.length;
        ws();
      }
      if (label !== '') {
        if (line[i] !== '=') throw new NotationError(`expected "=" after label ${label} in ${JSON.stringify(line)}`);
        i++;
        ws();
        if (!`"'\``.includes(line[i] ?? 'x')) throw new NotationError(`expected a quoted value for label ${label} in ${JSON.stringify(line)}`);
        const [value, next] = quoted(line, i);
        labels[label] = value;
        i = next;
        ws();
      }
      if (line[i] === ',') i++;
      else if (line[i] !== '}') throw new NotationError(`expected "," or "}" at column ${i + 1} of ${JSON.stringify(line)}`);
    }
    i++;
  } else if (name === undefined) {
    throw new NotationError(`expected a metric name or "{" at the start of ${JSON.stringify(line)}`);
  }
  const rest = line.slice(i);
  if (rest !== '' && !/^\s/.test(rest)) throw new NotationError(`expected a space after the series in ${JSON.stringify(line)}`);
  // An empty label value is the same as no label, as everywhere in Prometheus.
  for (const k of Object.keys(labels)) if (labels[k] === '') delete labels[k];
  return { labels, rest };
}

export function parseSeriesLine(line: string): SeriesLine {
  const { labels, rest } = parseLabelsPrefix(line.trim());
  return { labels, values: parseSequence(rest) };
}
