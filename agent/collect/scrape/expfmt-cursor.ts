// Lexing shared by both formats: a position in the text, its line number, and the tokens whose rules the two
// formats share (quoted label values, names, numbers). The grammar on top is in expfmt-parse.ts.
import { LABEL_LIMITS } from '../../../protocol/labels.ts';
import { parseGoFloat } from './expfmt-float.ts';
import { ExpositionError } from './expfmt-types.ts';

// Imports used in the scan loop are copied into module constants: tsx and vitest compile each use of an import
// into a getter call, which took a third of the parse time.
const MAX_NAME = LABEL_LIMITS.maxNameLength;
const goFloat = parseGoFloat;

export const NL = 10;
export const CR = 13;
export const SP = 32;
export const TAB = 9;
export const QUOTE = 34;
export const HASH = 35;
export const COMMA = 44;
export const EQ = 61;
export const BSLASH = 92;
export const LBRACE = 123;
export const RBRACE = 125;

export const isLabelStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
export const isLabelChar = (c: number): boolean => isLabelStart(c) || (c >= 48 && c <= 57);
const isMetricStart = (c: number): boolean => isLabelStart(c) || c === 58;
const isMetricChar = (c: number): boolean => isLabelChar(c) || c === 58;

export const CR_PROBLEM = 'carriage return (Windows line endings are not accepted)';

export class Cursor {
  pos = 0;
  line = 1;

  constructor(
    protected readonly src: string,
    readonly om: boolean,
  ) {}

  /** A label value from its opening quote; only \\, \" and \n are escapes, others stay as written. */
  protected quoted(): string {
    const { src } = this;
    const start = ++this.pos;
    const startLine = this.line;
    let out = '';
    let segment = start;
    for (;;) {
      if (this.pos >= src.length) this.fail('unterminated label value (missing closing quote)', startLine);
      const c = src.charCodeAt(this.pos);
      if (c === QUOTE) break;
      if (c === BSLASH) {
        const d = src.charCodeAt(this.pos + 1);
        if (this.pos + 1 >= src.length) this.fail('unterminated label value (missing closing quote)', startLine);
        if (d === NL) this.fail('backslash before a line break in a label value');
        const replacement = d === BSLASH ? '\\' : d === QUOTE ? '"' : d === 110 ? '\n' : undefined;
        if (replacement !== undefined) {
          out += src.slice(segment, this.pos) + replacement;
          segment = this.pos + 2;
        }
        this.pos += 2;
        continue;
      }
      if (c === NL) {
        // The text format's lexer lets a raw line break into a quoted value; OpenMetrics' does not.
        if (this.om) this.fail('line break inside a label value');
        this.line++;
      }
      this.pos++;
    }
    const value = segment === start ? src.slice(start, this.pos) : out + src.slice(segment, this.pos);
    this.pos++;
    return value;
  }

  protected metricName(where: string): string {
    const { src } = this;
    const start = this.pos;
    if (!isMetricStart(src.charCodeAt(start))) {
      const hint = src.charCodeAt(start) === LBRACE ? ' (quoted UTF-8 metric names are not supported)' : '';
      this.fail(`expected a metric name ${where}, got ${this.describe(start)}${hint}`);
    }
    while (isMetricChar(src.charCodeAt(++this.pos)));
    if (this.pos - start > MAX_NAME) {
      this.fail(`metric name "${src.slice(start, start + 32)}…" is longer than ${MAX_NAME} characters`);
    }
    return src.slice(start, this.pos);
  }

  /** A value or timestamp: up to whitespace, or also `{` in the text format (whose lexer stops there). */
  protected token(text: boolean): string {
    const { src } = this;
    const start = this.pos;
    for (; this.pos < src.length; this.pos++) {
      const c = src.charCodeAt(this.pos);
      if (c === SP || c === NL || (text && (c === TAB || c === LBRACE))) break;
    }
    return src.slice(start, this.pos);
  }

  protected number(text: string, what: string): number {
    const v = goFloat(text);
    if (v === undefined) {
      this.fail(text.includes('\r') ? `unexpected ${CR_PROBLEM}` : `invalid ${what} ${JSON.stringify(text)}`);
    }
    return v;
  }

  protected skipBlanks(): void {
    const { src } = this;
    let c = src.charCodeAt(this.pos);
    while (c === SP || c === TAB) c = src.charCodeAt(++this.pos);
  }

  protected lineEnd(from: number): number {
    const end = this.src.indexOf('\n', from);
    return end < 0 ? this.src.length : end;
  }

  protected skipLine(): void {
    this.pos = this.lineEnd(this.pos);
    this.endLine();
  }

  protected endLine(): void {
    if (this.pos < this.src.length) {
      this.pos++;
      this.line++;
    }
  }

  protected describe(at: number): string {
    if (at >= this.src.length) return 'end of input';
    const c = this.src.charCodeAt(at);
    if (c === NL) return 'end of line';
    if (c === CR) return CR_PROBLEM;
    // A word is shown whole ("true", "0abc"); punctuation alone, since the next token is not the problem.
    const isStop = (i: number): boolean => ' \t\n\r{}=,"#'.includes(this.src[i] as string);
    let end = at + 1;
    if (!isStop(at)) while (end < this.src.length && end - at < 24 && !isStop(end)) end++;
    return JSON.stringify(this.src.slice(at, end));
  }

  protected fail(problem: string, line = this.line): never {
    throw new ExpositionError(line, problem);
  }
}

export function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** Go strings.Replacer semantics, left to right: \\ and \n (and \" in OpenMetrics HELP) are escapes, others literal. */
export function unescape(s: string, quotes: boolean): string {
  let i = s.indexOf('\\');
  if (i < 0) return s;
  let out = '';
  let last = 0;
  while (i >= 0 && i < s.length - 1) {
    const c = s.charCodeAt(i + 1);
    const replacement = c === BSLASH ? '\\' : c === 110 ? '\n' : quotes && c === QUOTE ? '"' : undefined;
    if (replacement === undefined) {
      i = s.indexOf('\\', i + 1);
      continue;
    }
    out += s.slice(last, i) + replacement;
    last = i + 2;
    i = s.indexOf('\\', last);
  }
  return out + s.slice(last);
}
