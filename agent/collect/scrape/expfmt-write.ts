// The writer: what parseExposition reads back unchanged. Names are written as given (an OpenMetrics counter family
// `foo` with sample `foo_total` stays so in the text format); only the type spelling is mapped, since the text format
// knows just counter/gauge/histogram/summary/untyped and OpenMetrics says "unknown" for "untyped".
import { METRIC_NAME, isValidLabelName, isValidMetricName } from '../../../protocol/labels.ts';
import { formatGoFloat, formatOpenMetricsFloat } from './expfmt-float.ts';
import type { ExpositionFormat, MetricFamilyMeta, MetricType, ParseResult, ParsedSample } from './expfmt-types.ts';

// Suffixes by which a sample belongs to a family, so its HELP/TYPE can be written just before it.
const FAMILY_SUFFIXES = ['_bucket', '_count', '_sum', '_total', '_created', '_gcount', '_gsum', '_info'];
const TEXT_TYPES: ReadonlySet<MetricType> = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/** Throws RangeError for what neither format can carry (invalid names, a unit that is no suffix, a fractional ms). */
export function formatExposition(result: ParseResult, format: ExpositionFormat): string {
  const om = format === 'openmetrics';
  const out: string[] = [];
  const written = new Set<string>();
  const writeMeta = (meta: MetricFamilyMeta): void => {
    written.add(meta.name);
    out.push(metaLines(meta, om));
  };
  for (const sample of result.samples) {
    const family = familyOf(sample.name, result.metadata);
    if (family !== undefined && !written.has(family.name)) writeMeta(family);
    out.push(sampleLine(sample, om));
  }
  for (const meta of result.metadata.values()) if (!written.has(meta.name)) writeMeta(meta);
  if (om) out.push('# EOF\n');
  return out.join('');
}

function familyOf(name: string, metadata: Map<string, MetricFamilyMeta>): MetricFamilyMeta | undefined {
  const exact = metadata.get(name);
  if (exact !== undefined) return exact;
  for (const suffix of FAMILY_SUFFIXES) {
    if (name.endsWith(suffix)) {
      const family = metadata.get(name.slice(0, -suffix.length));
      if (family !== undefined) return family;
    }
  }
  return undefined;
}

function metaLines(meta: MetricFamilyMeta, om: boolean): string {
  const { name } = meta;
  if (!isValidMetricName(name)) throw new RangeError(`invalid metric family name ${JSON.stringify(name)}`);
  let lines = '';
  if (meta.help !== undefined) lines += `# HELP ${name} ${escape(meta.help, om)}\n`;
  let type = meta.type;
  if (om && type === 'untyped') type = 'unknown';
  else if (!om && !TEXT_TYPES.has(type)) type = 'untyped';
  lines += `# TYPE ${name} ${type}\n`;
  if (om && meta.unit) {
    if (!name.endsWith(`_${meta.unit}`)) throw new RangeError(`unit ${meta.unit} is not a suffix of ${name}`);
    lines += `# UNIT ${name} ${meta.unit}\n`;
  }
  return lines;
}

function sampleLine(sample: ParsedSample, om: boolean): string {
  const { name, labels } = sample;
  if (!isValidMetricName(name)) throw new RangeError(`invalid metric name ${JSON.stringify(name)}`);
  let line = name;
  let first = true;
  for (const label of Object.keys(labels)) {
    if (label === METRIC_NAME) continue;
    if (!isValidLabelName(label)) throw new RangeError(`invalid label name ${JSON.stringify(label)}`);
    line += `${first ? '{' : ','}${label}="${escape(labels[label] as string, true)}"`;
    first = false;
  }
  if (!first) line += '}';
  const v = sample.value;
  line += ` ${om ? (Object.is(v, -0) ? '-0.0' : formatOpenMetricsFloat(v)) : formatGoFloat(v)}`;
  const ts = sample.timestampMs;
  if (ts !== undefined) {
    if (!Number.isSafeInteger(ts)) throw new RangeError(`timestamp ${ts} is not an integer number of ms`);
    if (!om && ts < 0) throw new RangeError(`the text format cannot carry the negative timestamp ${ts}`);
    line += ` ${om ? msToSeconds(ts) : String(ts)}`;
  }
  return `${line}\n`;
}

/** Exact decimal seconds, so the parser's decimal shift gives back the same milliseconds. */
function msToSeconds(ms: number): string {
  const abs = Math.abs(ms);
  const whole = Math.floor(abs / 1000);
  const frac = abs % 1000;
  const sign = ms < 0 ? '-' : '';
  if (frac === 0) return `${sign}${whole}`;
  return `${sign}${whole}.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
}

/** Label values (and OpenMetrics HELP) escape \\, " and newline; text-format HELP leaves quotes alone. */
function escape(s: string, quotes: boolean): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const rep = c === 92 ? '\\\\' : c === 10 ? '\\n' : quotes && c === 34 ? '\\"' : undefined;
    if (rep !== undefined) {
      out += s.slice(last, i) + rep;
      last = i + 1;
    }
  }
  return last === 0 ? s : out + s.slice(last);
}
