import { describe, expect, it } from 'vitest';
import {
  ExpositionError,
  formatExposition,
  parseExposition,
  type ExpositionFormat,
  type MetricFamilyMeta,
  type MetricType,
  type ParseResult,
  type ParsedSample,
} from '../../../agent/collect/scrape/expfmt.ts';
import { formatOpenMetricsFloat } from '../../../agent/collect/scrape/expfmt-float.ts';
import { isValidLabelName, isValidMetricName, labelsKey } from '../../../protocol/labels.ts';

// A fixed seed keeps failures reproducible; the failing case's index is in the assertion message.
class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** mulberry32: tiny, fast and good enough to spread test cases. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  string(pool: readonly string[], min: number, max: number): string {
    let s = '';
    for (let n = min + this.int(max - min + 1); n > 0; n--) s += this.pick(pool);
    return s;
  }
}

const LOWER = [...'abcdefghijklmnopqrstuvwxyz'];
const ALNUM = [...LOWER, ...'ABCXYZ0123456789_'];
// Everything that needs escaping or could confuse a scanner, plus non-ASCII and astral characters.
const TEXT = [
  ...'aZ09 _.-', '\t', '\\', '"', '\n', '\r', '{', '}', ',', '=', '#', '\\n', 'é', '中', '😀', '\u2028', '\u0000',
];
const SPECIAL_LABELS = ['__proto__', 'constructor', 'toString', '_', '__meta', 'hasOwnProperty'];

function metricName(rng: Rng): string {
  return rng.pick([...LOWER, 'A', '_', ':']) + rng.string([...ALNUM, ':'], 0, 10);
}

function labelName(rng: Rng): string {
  if (rng.chance(0.15)) return rng.pick(SPECIAL_LABELS);
  const name = rng.pick([...LOWER, 'Q', '_']) + rng.string(ALNUM, 0, 8);
  // le/quantile would be rewritten on buckets and summaries; those are generated on purpose below.
  return name === 'le' || name === 'quantile' ? `${name}_x` : name;
}

function value(rng: Rng): number {
  switch (rng.int(10)) {
    case 0:
      return rng.pick([NaN, Infinity, -Infinity, -0, 0, Number.MAX_VALUE, Number.MIN_VALUE, -Number.MAX_VALUE]);
    case 1:
      return rng.int(2_000_000) - 1_000_000;
    case 2:
      return (rng.next() - 0.5) * 10 ** (rng.int(600) - 300);
    case 3:
      return Number((rng.next() * 1000).toFixed(rng.int(4)));
    default:
      return (rng.next() - 0.3) * 10 ** (rng.int(30) - 10);
  }
}

function labelSet(rng: Rng, name: string): Record<string, string> {
  const labels: Record<string, string> = { __name__: name };
  for (let n = rng.int(4); n > 0; n--) {
    const label = labelName(rng);
    if (Object.prototype.hasOwnProperty.call(labels, label)) continue;
    Object.defineProperty(labels, label, { value: rng.string(TEXT, 1, 12), enumerable: true, writable: true });
  }
  return labels;
}

const TYPES: Record<ExpositionFormat, readonly MetricType[]> = {
  prometheus: ['counter', 'gauge', 'histogram', 'summary', 'untyped'],
  openmetrics: ['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'unknown'],
};

/** A ParseResult the parser could have produced: names valid, no empty label values, bounds already normalised. */
function randomResult(rng: Rng, format: ExpositionFormat): ParseResult {
  const om = format === 'openmetrics';
  const metadata = new Map<string, MetricFamilyMeta>();
  const blocks: ParsedSample[][] = [];
  const timestamp = (): number | undefined => {
    if (rng.chance(0.5)) return undefined;
    const ms = rng.int(4e12);
    return om && rng.chance(0.3) ? -ms : rng.chance(0.2) ? ms - (ms % 1000) : ms;
  };
  const sample = (name: string, labels: Record<string, string>, extra: Record<string, string> = {}): ParsedSample => {
    const all = { ...labels, ...extra, __name__: name };
    const s: ParsedSample = { name, labels: all, value: value(rng) };
    const ts = timestamp();
    if (ts !== undefined) s.timestampMs = ts;
    return s;
  };

  for (let f = rng.int(6); f > 0; f--) {
    const type = rng.pick(TYPES[format]);
    let name = `${metricName(rng)}_f${f}`;
    const meta: MetricFamilyMeta = { name, type };
    if (om && rng.chance(0.3)) {
      meta.unit = rng.string(LOWER, 1, 7);
      name = `${name}_${meta.unit}`;
      meta.name = name;
    }
    if (rng.chance(0.7)) meta.help = rng.string(TEXT, 0, 20);
    metadata.set(name, meta);
    const block: ParsedSample[] = [];
    for (let series = rng.int(4); series > 0; series--) {
      const base = labelSet(rng, name);
      if (type === 'counter') {
        block.push(sample(om ? `${name}_total` : name, base));
        if (om && rng.chance(0.5)) block.push(sample(`${name}_created`, base));
      } else if (type === 'histogram' || type === 'gaugehistogram') {
        const bounds = Array.from({ length: rng.int(4) }, () => value(rng)).filter((b) => Number.isFinite(b));
        for (const bound of [...bounds, Infinity]) {
          // Prometheus rewrites le only for histograms, so a gauge histogram keeps whatever spelling it had.
          const le = type === 'histogram' ? formatOpenMetricsFloat(bound) : rng.pick(['1', '0.50', '+Inf', '1e3']);
          block.push(sample(`${name}_bucket`, base, { le }));
        }
        const g = type === 'gaugehistogram' ? 'g' : '';
        block.push(sample(`${name}_${g}sum`, base), sample(`${name}_${g}count`, base));
      } else if (type === 'summary') {
        for (const q of [0, 0.5, rng.next(), 1]) {
          block.push(sample(name, base, { quantile: formatOpenMetricsFloat(q) }));
        }
        block.push(sample(`${name}_sum`, base), sample(`${name}_count`, base));
      } else if (type === 'info') {
        block.push(sample(`${name}_info`, base));
      } else if (type === 'stateset') {
        block.push(sample(name, base, { state: 'a' }), sample(name, base, { state: 'b' }));
      } else block.push(sample(name, base));
    }
    blocks.push(block);
  }
  for (let free = rng.int(4); free > 0; free--) {
    blocks.push([sample(`${metricName(rng)}_free${free}`, labelSet(rng, 'x'))]);
  }
  for (let i = blocks.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [blocks[i], blocks[j]] = [blocks[j] as ParsedSample[], blocks[i] as ParsedSample[]];
  }
  return { samples: blocks.flat(), metadata };
}

function expectSameResult(got: ParseResult, want: ParseResult, context: string): void {
  expect(got.samples.length, context).toBe(want.samples.length);
  want.samples.forEach((w, i) => {
    const g = got.samples[i] as ParsedSample;
    expect(g.name, context).toBe(w.name);
    expect(labelsKey(g.labels), context).toBe(labelsKey(w.labels));
    const same = Object.is(g.value, w.value) || (Number.isNaN(g.value) && Number.isNaN(w.value));
    expect(same, `${context}: ${g.value} vs ${w.value}`).toBe(true);
    expect(g.timestampMs, context).toBe(w.timestampMs);
  });
  expect([...got.metadata.keys()].sort(), context).toEqual([...want.metadata.keys()].sort());
  for (const [name, meta] of want.metadata) expect(got.metadata.get(name), context).toEqual(meta);
}

describe.each(['prometheus', 'openmetrics'] as const)('round trip through %s', (format) => {
  it('gives back the samples and metadata of 500 random well-formed results', () => {
    const rng = new Rng(format === 'prometheus' ? 0x5eed : 0x0e11);
    let samples = 0;
    for (let i = 0; i < 500; i++) {
      const want = randomResult(rng, format);
      const text = formatExposition(want, format);
      const context = `case ${i}:\n${text}`;
      let got: ParseResult;
      try {
        got = parseExposition(text, format);
      } catch (err) {
        throw new Error(`${context}\n${String(err)}`);
      }
      expectSameResult(got, want, context);
      samples += want.samples.length;
    }
    expect(samples).toBeGreaterThan(5_000);
  });
});

const GARBAGE = [
  ...TEXT, 'a', 'x_total', ':', '0', '1.5', 'e', '+', '-', '.', '=', '{', '}', '"', ' ', '\n', '\r\n', '# ', '#',
  'HELP ', 'TYPE ', 'UNIT ', '# EOF', '# EOF\n', 'counter', 'histogram', 'NaN', '+Inf', 'inf', 'le="1"', ' # {',
  '1e400', '\\',
];

/** Parses, and if that succeeds checks what came out is something the rest of the agent can rely on. */
function parsesOrFailsCleanly(text: string, format: ExpositionFormat, context: string): boolean {
  let result: ParseResult;
  try {
    result = parseExposition(text, format);
  } catch (err) {
    if (!(err instanceof ExpositionError)) throw new Error(`${context}: ${format} threw ${String(err)}`);
    const lines = text.split('\n').length;
    expect(err.line >= 1 && err.line <= lines, `${context}: line ${err.line} of ${lines}`).toBe(true);
    return false;
  }
  for (const s of result.samples) {
    expect(s.labels.__name__, context).toBe(s.name);
    expect(isValidMetricName(s.name), context).toBe(true);
    for (const [name, v] of Object.entries(s.labels)) {
      expect(name === '__name__' || isValidLabelName(name), context).toBe(true);
      expect(v, context).not.toBe('');
    }
    expect(typeof s.value, context).toBe('number');
    if (s.timestampMs !== undefined) expect(Number.isSafeInteger(s.timestampMs), context).toBe(true);
  }
  return true;
}

function mutate(rng: Rng, text: string): string {
  let out = text;
  for (let n = 1 + rng.int(3); n > 0; n--) {
    const at = rng.int(out.length + 1);
    const kind = rng.int(3);
    const piece = rng.pick(GARBAGE);
    if (kind === 0) out = out.slice(0, at) + out.slice(at + 1);
    else if (kind === 1) out = out.slice(0, at) + piece + out.slice(at);
    else out = out.slice(0, at) + piece + out.slice(at + piece.length);
  }
  return out;
}

describe('malformed input', () => {
  it('never throws anything but ExpositionError on 2,000 garbage strings and mutations of valid text', () => {
    const rng = new Rng(0xbad5eed);
    let parsed = 0;
    let failed = 0;
    for (let i = 0; i < 2_000; i++) {
      let text: string;
      if (i % 2 === 0) text = rng.string(GARBAGE, 0, 60);
      else {
        const format = rng.pick(['prometheus', 'openmetrics'] as const);
        text = mutate(rng, formatExposition(randomResult(rng, format), format));
      }
      for (const format of ['prometheus', 'openmetrics'] as const) {
        if (parsesOrFailsCleanly(text, format, `case ${i} ${JSON.stringify(text)}`)) parsed++;
        else failed++;
      }
    }
    // Both outcomes must be exercised, or the generator is not testing anything.
    expect(parsed).toBeGreaterThan(200);
    expect(failed).toBeGreaterThan(1_000);
  });
});
