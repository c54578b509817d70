// A hand-written scanner for both text formats, following what Prometheus 3.x's promparse.go and
// openmetricsparse.go accept rather than the letter of either specification:
// - text format: spaces and tabs may surround every token; blank lines and other `#` comments are ignored; a
//   timestamp is integer milliseconds (digits only, so never negative); labels need no comma between them.
// - OpenMetrics: exactly one space between tokens, no blank lines, no comments besides HELP/TYPE/UNIT, `# EOF`
//   last; timestamps are float seconds; exemplars (` # {…} v [ts]`) are checked and discarded. Like Prometheus,
//   a counter sample need not end in _total, and _created lines stay ordinary samples (Prometheus' default when
//   created-timestamp ingestion is off).
// - Both: Go float syntax for values (nan/inf in any case), labels with empty values dropped, duplicate label
//   names rejected, and — as Prometheus 3 does, unlike 2.42 — `le` of histogram buckets and `quantile` of
//   summaries rewritten to OpenMetrics float form ("1" → "1.0"), so both formats yield the same series. A carriage
//   return is an ordinary byte to Prometheus, so CRLF input fails at the first value or TYPE.
// Deliberately narrower than Prometheus: quoted UTF-8 names (`{"my.metric"}`) are rejected, since the project's
// label rules are the classic ones; names and values must also fit LABEL_LIMITS; timestamps must be safe
// integers; a NUL byte at the start of a text-format line is an error, not the silent end of input it is to
// Prometheus' lexer.
import { LABEL_LIMITS, METRIC_NAME } from '../../../protocol/labels.ts';
import * as lex from './expfmt-cursor.ts';
import * as float from './expfmt-float.ts';
import type { ExpositionFormat, MetricFamilyMeta, MetricType, ParseResult, ParsedSample } from './expfmt-types.ts';

// Local copies of what the scan loop uses, for the same reason as in expfmt-cursor.ts.
const { COMMA, CR_PROBLEM, EQ, HASH, LBRACE, NL, QUOTE, RBRACE, SP, TAB } = lex;
const { isDigitAt, isLabelChar, isLabelStart, unescape } = lex;
const { decimalSecondsToMs, formatOpenMetricsFloat, parseGoFloat } = float;
const { maxNameLength: MAX_NAME, maxValueLength: MAX_VALUE, maxLabelsPerSeries: MAX_LABELS } = LABEL_LIMITS;
const NAME_LABEL: string = METRIC_NAME;

const TEXT_TYPES = new Map<string, MetricType>(
  (['counter', 'gauge', 'histogram', 'summary', 'untyped'] as const).map((t) => [t, t]),
);
const OM_TYPES = new Map<string, MetricType>(
  (['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'unknown'] as const).map(
    (t) => [t, t],
  ),
);

export function parseExposition(text: string, format: ExpositionFormat): ParseResult {
  const scanner = new Scanner(text, format === 'openmetrics');
  if (scanner.om) scanner.openMetrics();
  else scanner.textFormat();
  return { samples: scanner.samples, metadata: scanner.metadata };
}

class Scanner extends lex.Cursor {
  readonly samples: ParsedSample[] = [];
  readonly metadata = new Map<string, MetricFamilyMeta>();
  // The series being built; kept on the scanner so label parsing allocates no closure per line.
  private metric = '';
  private labels: Record<string, string> = {};
  private seen: string[] = [];
  private count = 0;

  textFormat(): void {
    const { src } = this;
    while (this.pos < src.length) {
      this.skipBlanks();
      if (this.pos >= src.length) break;
      const c = src.charCodeAt(this.pos);
      if (c === NL) this.endLine();
      else if (c === HASH) this.textComment();
      else this.sample();
    }
  }

  openMetrics(): void {
    const { src } = this;
    for (;;) {
      if (this.pos >= src.length) this.fail('missing "# EOF" at the end of OpenMetrics text');
      const c = src.charCodeAt(this.pos);
      if (c === HASH) {
        if (this.omMeta()) return;
      } else if (c === NL) this.fail('blank lines are not allowed in OpenMetrics');
      else if (c === SP || c === TAB) this.fail('leading whitespace is not allowed in OpenMetrics');
      else this.sample();
    }
  }

  private textComment(): void {
    const { src } = this;
    const c = src.charCodeAt(++this.pos);
    if (c !== SP && c !== TAB) return this.skipLine();
    this.skipBlanks();
    const isHelp = src.startsWith('HELP', this.pos);
    const after = src.charCodeAt(this.pos + 4);
    if ((!isHelp && !src.startsWith('TYPE', this.pos)) || (after !== SP && after !== TAB)) return this.skipLine();
    const keyword = isHelp ? 'HELP' : 'TYPE';
    this.pos += 4;
    this.skipBlanks();
    const name = this.metricName(`after # ${keyword}`);
    let text = '';
    const sep = src.charCodeAt(this.pos);
    if (sep === SP || sep === TAB) {
      // Prometheus drops exactly one separator; anything further is part of the text.
      const end = this.lineEnd(this.pos);
      text = src.slice(this.pos + 1, end);
      this.pos = end;
    } else if (this.pos < src.length && sep !== NL) {
      this.fail(`expected whitespace after the metric name in # ${keyword}, got ${this.describe(this.pos)}`);
    }
    if (isHelp) this.meta(name).help = unescape(text, false);
    else this.meta(name).type = this.metricType(text, TEXT_TYPES);
    this.endLine();
  }

  /** One `#` line of OpenMetrics; true at `# EOF`. */
  private omMeta(): boolean {
    const { src } = this;
    const at = this.pos + 2;
    if (src.charCodeAt(this.pos + 1) !== SP) this.failComment();
    if (src.startsWith('EOF', at)) {
      let end = at + 3;
      if (end < src.length && src.charCodeAt(end) === NL) end++;
      if (end < src.length) {
        this.fail('unexpected content after "# EOF"', src.charCodeAt(at + 3) === NL ? this.line + 1 : this.line);
      }
      this.pos = end;
      return true;
    }
    const keyword = src.slice(at, at + 4);
    if ((keyword !== 'HELP' && keyword !== 'TYPE' && keyword !== 'UNIT') || src.charCodeAt(at + 4) !== SP) {
      this.failComment();
    }
    this.pos = at + 5;
    const name = this.metricName(`after # ${keyword}`);
    if (src.charCodeAt(this.pos) !== SP) {
      this.fail(`expected a space and text after the metric name in # ${keyword}, got ${this.describe(this.pos)}`);
    }
    const end = this.lineEnd(this.pos);
    if (end >= src.length) this.fail('missing "# EOF" at the end of OpenMetrics text');
    const text = src.slice(this.pos + 1, end);
    this.pos = end;
    if (keyword === 'HELP') this.meta(name).help = unescape(text, true);
    else if (keyword === 'TYPE') this.meta(name).type = this.metricType(text, OM_TYPES);
    else if (text !== '' && !name.endsWith(`_${text}`)) {
      this.fail(`unit ${JSON.stringify(text)} is not a suffix of metric name "${name}"`);
    } else if (text !== '') this.meta(name).unit = text;
    this.endLine();
    return false;
  }

  private sample(): void {
    const { src, om } = this;
    const name = this.metricName('at the start of a line');
    this.metric = name;
    this.labels = { [NAME_LABEL]: name };
    this.seen.length = 0;
    this.count = 1;
    if (!om) this.skipBlanks();
    if (src.charCodeAt(this.pos) === LBRACE) this.labelSet(false);

    if (om) {
      if (src.charCodeAt(this.pos) !== SP) this.fail(`expected a space and a value, got ${this.describe(this.pos)}`);
      this.pos++;
    } else this.skipBlanks();
    const valueText = this.token(!om);
    if (valueText === '') this.fail(`expected a value after the metric, got ${this.describe(this.pos)}`);
    const value = this.number(valueText, 'value');
    const sample: ParsedSample = { name, labels: this.labels, value };
    if (om) this.omLineTail(sample);
    else this.textLineTail(sample);
    this.samples.push(sample);
  }

  private textLineTail(sample: ParsedSample): void {
    const { src } = this;
    this.skipBlanks();
    const c = src.charCodeAt(this.pos);
    if (c >= 48 && c <= 57) {
      const start = this.pos;
      while (this.pos < src.length && isDigitAt(src, this.pos)) this.pos++;
      const ts = Number(src.slice(start, this.pos));
      if (!Number.isSafeInteger(ts)) this.fail(`timestamp ${src.slice(start, this.pos)} is out of range`);
      sample.timestampMs = ts;
      this.skipBlanks();
      if (this.pos < src.length && src.charCodeAt(this.pos) !== NL) {
        this.fail(`expected end of line after the timestamp, got ${this.describe(this.pos)}`);
      }
    } else if (c === HASH) {
      this.fail('unexpected "#" after the value (exemplars need OpenMetrics)');
    } else if (c === 45 && isDigitAt(src, this.pos + 1)) {
      this.fail('negative timestamps are not accepted in the text format (Prometheus reads digits only)');
    } else if (this.pos < src.length && c !== NL) {
      this.fail(`expected an integer timestamp (ms) or end of line after the value, got ${this.describe(this.pos)}`);
    }
    this.endLine();
  }

  private omLineTail(sample: ParsedSample): void {
    let atTimestamp = false;
    for (;;) {
      const c = this.src.charCodeAt(this.pos);
      if (this.pos >= this.src.length) this.fail('missing "# EOF" at the end of OpenMetrics text');
      if (c === NL) return this.endLine();
      if (c !== SP) this.fail(`expected a space or end of line, got ${this.describe(this.pos)}`);
      if (this.src.startsWith(' # {', this.pos)) return this.exemplar();
      if (atTimestamp) {
        this.fail(`expected end of line or an exemplar after the timestamp, got ${this.describe(this.pos + 1)}`);
      }
      this.pos++;
      sample.timestampMs = this.omTimestamp('timestamp');
      atTimestamp = true;
    }
  }

  /** ` # {labels} value [timestamp]`: validated as Prometheus does, then forgotten. */
  private exemplar(): void {
    this.pos += 3;
    this.labelSet(true);
    if (this.src.charCodeAt(this.pos) !== SP) {
      this.fail(`expected a space and a value after the exemplar labels, got ${this.describe(this.pos)}`);
    }
    this.pos++;
    const valueText = this.token(false);
    if (valueText === '') this.fail(`expected an exemplar value, got ${this.describe(this.pos)}`);
    this.number(valueText, 'exemplar value');
    if (this.src.charCodeAt(this.pos) === SP) {
      this.pos++;
      this.omTimestamp('exemplar timestamp');
    }
    if (this.pos >= this.src.length) this.fail('missing "# EOF" at the end of OpenMetrics text');
    if (this.src.charCodeAt(this.pos) !== NL) {
      this.fail(`expected end of line after the exemplar, got ${this.describe(this.pos)}`);
    }
    this.endLine();
  }

  private omTimestamp(what: string): number {
    const text = this.token(false);
    if (text === '') {
      const atEnd = this.pos >= this.src.length || this.src.charCodeAt(this.pos) === NL;
      if (atEnd) this.fail('trailing whitespace is not allowed in OpenMetrics');
      this.fail(`expected a ${what}, got ${this.describe(this.pos)}`);
    }
    const seconds = this.number(text, what);
    if (!Number.isFinite(seconds)) this.fail(`${what} must be finite, got ${JSON.stringify(text)}`);
    const ms = decimalSecondsToMs(text);
    if (ms === undefined) this.fail(`${what} ${text} is out of range`);
    return ms;
  }

  /** `{…}` from the opening brace; stores into this.labels unless it is an exemplar's. */
  private labelSet(exemplar: boolean): void {
    const { src, om } = this;
    this.pos++;
    for (;;) {
      if (!om) this.skipBlanks();
      const c = src.charCodeAt(this.pos);
      if (c === RBRACE) {
        this.pos++;
        return;
      }
      if (!isLabelStart(c)) this.fail(`expected a label name or "}", got ${this.describe(this.pos)}`);
      const start = this.pos;
      while (isLabelChar(src.charCodeAt(++this.pos)));
      const name = src.slice(start, this.pos);
      if (!om) this.skipBlanks();
      if (src.charCodeAt(this.pos) !== EQ) {
        this.fail(`expected "=" after label name "${name}", got ${this.describe(this.pos)}`);
      }
      this.pos++;
      if (!om) this.skipBlanks();
      if (src.charCodeAt(this.pos) !== QUOTE) {
        this.fail(`expected a quoted value for label "${name}", got ${this.describe(this.pos)}`);
      }
      const value = this.quoted();
      if (!exemplar) this.addLabel(name, value);
      if (!om) this.skipBlanks();
      const next = src.charCodeAt(this.pos);
      if (next === COMMA) this.pos++;
      else if (om && next !== RBRACE) {
        this.fail(`expected "," or "}" after label value, got ${this.describe(this.pos)}`);
      }
    }
  }

  private addLabel(name: string, value: string): void {
    if (name === NAME_LABEL || this.seen.includes(name)) this.fail(`duplicate label name "${name}"`);
    if (name.length > MAX_NAME) {
      this.fail(`label name "${name.slice(0, 32)}…" is longer than ${MAX_NAME} characters`);
    }
    this.seen.push(name);
    if (value === '') return;
    if (value.length > MAX_VALUE) {
      this.fail(`value of label "${name}" is longer than ${MAX_VALUE} characters`);
    }
    if (++this.count > MAX_LABELS) {
      this.fail(`more than ${MAX_LABELS} labels on one series`);
    }
    if (name === 'le' || name === 'quantile') value = this.normalisedBound(name, value);
    // A label may be called __proto__; plain assignment would set the prototype instead of a property.
    if (name === '__proto__') {
      Object.defineProperty(this.labels, name, { value, enumerable: true, writable: true, configurable: true });
    } else this.labels[name] = value;
  }

  /**
   * Prometheus 3 keys buckets and quantiles by float value, not spelling, for histograms and summaries only. It goes
   * by the last TYPE line whatever the sample's name; this goes by the sample's own family, so a stray `le` on an
   * untyped metric after a histogram keeps its spelling.
   */
  private normalisedBound(name: string, value: string): string {
    const metric = this.metric;
    const family =
      name === 'le'
        ? metric.endsWith('_bucket') && this.metadata.get(metric.slice(0, -7))?.type === 'histogram'
        : this.metadata.get(metric)?.type === 'summary';
    if (!family) return value;
    const v = parseGoFloat(value);
    return v === undefined ? value : formatOpenMetricsFloat(v);
  }

  private metricType(text: string, types: Map<string, MetricType>): MetricType {
    const type = types.get(text);
    if (type === undefined) {
      this.fail(text.includes('\r') ? `unexpected ${CR_PROBLEM}` : `invalid metric type ${JSON.stringify(text)}`);
    }
    return type;
  }

  private meta(name: string): MetricFamilyMeta {
    let meta = this.metadata.get(name);
    if (meta === undefined) {
      meta = { name, type: this.om ? 'unknown' : 'untyped' };
      this.metadata.set(name, meta);
    }
    return meta;
  }

  private failComment(): never {
    this.fail('OpenMetrics allows only "# HELP", "# TYPE", "# UNIT" and "# EOF" lines starting with "#"');
  }
}
