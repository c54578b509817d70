// Text for numbers, units, times and series names. No DOM here: the tests import this module in Node.

/** Prometheus' own text form: name{a="x", b="y"} with labels sorted and values quoted. */
export function metricLabel(metric) {
  const { __name__: name = '', ...labels } = metric || {};
  const pairs = Object.keys(labels).sort().map((k) => `${k}=${JSON.stringify(String(labels[k]))}`);
  return pairs.length ? `${name}{${pairs.join(', ')}}` : name || '{}';
}

/** A legend template as Grafana fills it: {{label}} becomes the series' value of that label (empty when absent). */
export function legendFor(template, metric) {
  if (!template) return metricLabel(metric);
  return template.replace(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_, name) => (metric && metric[name] != null ? String(metric[name]) : ''));
}

/** uPlot cannot place NaN or ±Inf on a scale; a gap is the honest rendering. */
export function toNumber(v) {
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

export function fmtAgo(ms, now) {
  if (ms == null) return 'never';
  // Browser and aggregator clocks differ slightly; never show "in the future".
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  if (s < 172800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

const DURATION = /^(\d+)(ms|s|m|h|d|w|y)$/;
const UNIT_SECONDS = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

/** "5m" → 300; undefined when the text is not a single-unit Prometheus duration. */
export function parseDuration(text) {
  const m = DURATION.exec(String(text).trim());
  return m ? Number(m[1]) * UNIT_SECONDS[m[2]] : undefined;
}

/** 300 → "5m": the largest unit that divides the value, as Prometheus prints durations. */
export function formatDuration(seconds) {
  for (const unit of ['w', 'd', 'h', 'm', 's']) {
    const size = UNIT_SECONDS[unit];
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${Math.round(seconds * 1000)}ms`;
}

/** Three significant digits, no exponent for everyday magnitudes, no trailing zeros. */
function num(v) {
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1e15 || abs < 1e-6) return v.toExponential(2);
  return String(Number(v.toPrecision(3)));
}

function scaled(v, base, units) {
  let i = 0;
  let x = v;
  while (Math.abs(x) >= base && i < units.length - 1) {
    x /= base;
    i++;
  }
  return `${num(x)} ${units[i]}`;
}

function duration(seconds) {
  const abs = Math.abs(seconds);
  if (abs === 0) return '0 s';
  if (abs < 1) return `${num(seconds * 1000)} ms`;
  if (abs < 60) return `${num(seconds)} s`;
  if (abs < 3600) return `${num(seconds / 60)} min`;
  if (abs < 86400) return `${num(seconds / 3600)} h`;
  return `${num(seconds / 86400)} d`;
}

/** A value in one of the dashboard units (Grafana's unit ids, so exported panels read the same). */
export function formatValue(v, unit) {
  if (v == null || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  switch (unit) {
    case 'bytes':
      return scaled(v, 1024, ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']);
    case 'Bps':
      return scaled(v, 1000, ['B/s', 'kB/s', 'MB/s', 'GB/s', 'TB/s']);
    case 'bps':
      return scaled(v, 1000, ['b/s', 'kb/s', 'Mb/s', 'Gb/s', 'Tb/s']);
    case 'percent':
      return `${num(v)} %`;
    case 'percentunit':
      return `${num(v * 100)} %`;
    case 's':
      return duration(v);
    case 'ms':
      return duration(v / 1000);
    case 'celsius':
      return `${num(v)} °C`;
    case 'hertz':
      return scaled(v, 1000, ['Hz', 'kHz', 'MHz', 'GHz', 'THz']);
    case 'ops':
      return scaled(v, 1000, ['ops/s', 'k ops/s', 'M ops/s', 'G ops/s']);
    case 'none':
      return num(v);
    default:
      return scaled(v, 1000, ['', 'k', 'M', 'G', 'T', 'P']).trimEnd();
  }
}
