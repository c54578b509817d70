// A PromQL lexer that follows the states of Prometheus' promql/parser/lex.go, so that lexical errors and the
// tokens named in syntax errors read as Prometheus words them. The tree itself comes from the lezer grammar
// (parse.ts); these tokens serve error reporting and literal values.

import { goQuote, goQuoteRune, goRuneU } from './parse-literals.ts';

import { type TokenType, type Token, type LexResult, OPERATOR_WORDS, AGGREGATORS, KEYWORDS, PREPROCESSORS, DURATION_KEYWORDS, SINGLE, DURATION_OPS, isSpace, isDigit, isAlpha, isAlphaNumeric, isRuneError } from './parse-tokens.ts';

const EOF = '';

class Lexer {
  private pos = 0;
  private start = 0;
  private width = 0;
  private parenDepth = 0;
  private braceOpen = false;
  private bracketOpen = false;
  /** lexDurationExpr: right after `[`, until the first number or `]`. */
  private inDuration = false;
  private gotColon = false;
  private gotDuration = false;
  private stringOpen = '';
  private done = false;
  readonly tokens: Token[] = [];
  error: { pos: number; message: string } | undefined;

  constructor(private readonly input: string) {}

  run(): void {
    while (!this.done && !this.error) {
      if (this.braceOpen) this.insideBraces();
      else if (this.inDuration) this.durationExpr();
      else this.statement();
    }
  }

  private next(): string {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return EOF;
    }
    const ch = String.fromCodePoint(this.input.codePointAt(this.pos) as number);
    this.width = ch.length;
    this.pos += this.width;
    return ch;
  }
  private backup(): void {
    this.pos -= this.width;
  }
  private peek(): string {
    const c = this.next();
    this.backup();
    return c;
  }
  private accept(valid: string): boolean {
    const c = this.next();
    if (c !== EOF && valid.includes(c)) return true;
    this.backup();
    return false;
  }
  private is(valid: string): boolean {
    const c = this.peek();
    return c !== EOF && valid.includes(c);
  }
  private emit(type: TokenType): void {
    this.tokens.push({ type, pos: this.start, text: this.input.slice(this.start, this.pos) });
    this.start = this.pos;
  }
  private fail(message: string): void {
    this.error = { pos: this.start, message };
  }
  /** An error found right after emitting a token: in Prometheus the error item takes that token's place. */
  private replace(message: string): void {
    this.tokens.pop();
    this.fail(message);
  }
  private skipSpace(): void {
    while (isSpace(this.peek())) this.next();
    this.start = this.pos;
  }
  private skipComment(): boolean {
    if (!this.input.startsWith('#', this.pos)) return false;
    const nl = this.input.slice(this.pos).search(/[\r\n]/);
    this.pos = nl < 0 ? this.input.length : this.pos + nl;
    this.start = this.pos;
    return true;
  }
  private paren(r: string): void {
    this.emit(r === '(' ? 'LEFT_PAREN' : 'RIGHT_PAREN');
    this.parenDepth += r === '(' ? 1 : -1;
    if (this.parenDepth < 0) this.replace(`unexpected right parenthesis ${goQuoteRune(r)}`);
  }
  private numberStart(r: string): boolean {
    return isDigit(r) || (r === '.' && isDigit(this.peek()));
  }

  /** lexStatements. */
  private statement(): void {
    if (this.skipComment()) return;
    const r = this.next();
    if (r === EOF) {
      if (this.parenDepth !== 0) return this.fail('unclosed left parenthesis');
      if (this.bracketOpen) return this.fail('unclosed left bracket');
      this.emit('EOF');
      this.done = true;
      return;
    }
    if (isSpace(r)) return this.skipSpace();
    const single = SINGLE[r];
    if (single) return this.emit(single);
    switch (r) {
      case '=': {
        const t = this.peek();
        if (t === '~') return this.fail(`unexpected character after '=': ${goQuoteRune(t)}`);
        if (t === '=') this.next();
        return this.emit(t === '=' ? 'EQLC' : 'EQL');
      }
      case '!': {
        const t = this.next();
        return t === '=' ? this.emit('NEQ') : this.fail(`unexpected character after '!': ${goQuoteRune(t)}`);
      }
      case '<':
      case '>': {
        const t = this.peek();
        if (t === '=' || t === '/') this.next();
        const lt = r === '<';
        return this.emit(t === '=' ? (lt ? 'LTE' : 'GTE') : t === '/' ? (lt ? 'TRIM_UPPER' : 'TRIM_LOWER') : lt ? 'LSS' : 'GTR');
      }
      case '"':
      case "'":
      case '`':
        return this.string(r);
      case '(':
      case ')':
        return this.paren(r);
      case '{':
        this.braceOpen = true;
        return this.emit('LEFT_BRACE');
      case '[':
        if (this.bracketOpen) return this.fail(`unexpected left bracket ${goQuoteRune(r)}`);
        this.gotColon = false;
        this.emit('LEFT_BRACKET');
        this.skipSpace();
        this.bracketOpen = true;
        this.inDuration = true;
        return;
      case ']':
        if (!this.bracketOpen) return this.fail(`unexpected right bracket ${goQuoteRune(r)}`);
        this.bracketOpen = false;
        return this.emit('RIGHT_BRACKET');
    }
    if (this.numberStart(r)) {
      this.backup();
      return this.numberOrDuration();
    }
    if (!isAlpha(r) && r !== ':') return this.fail(`unexpected character: ${goQuoteRune(r)}`);
    if (!this.bracketOpen) {
      this.backup();
      return this.keywordOrIdentifier();
    }
    if (r === ':') {
      if (this.gotColon) return this.fail(`unexpected colon ${goQuoteRune(r)}`);
      this.gotColon = true;
      return this.emit('COLON');
    }
    if (!this.durationKeyword()) this.fail(`unexpected character: ${goQuoteRune(r)}, expected ':'`);
  }

  /** scanDurationKeyword: the rest of a word, emitted when it is step, range, max_of or min_of. */
  private durationKeyword(): boolean {
    while (isAlpha(this.next()));
    this.backup();
    if (!DURATION_KEYWORDS.has(this.input.slice(this.start, this.pos).toLowerCase())) return false;
    this.emit('preprocessor');
    return true;
  }

  /** lexDurationExpr. */
  private durationExpr(): void {
    const r = this.next();
    if (r === EOF) return this.fail('unexpected end of input in duration expression');
    if (isSpace(r)) return this.skipSpace();
    const op = DURATION_OPS[r];
    if (op) return this.emit(op);
    switch (r) {
      case ']':
        this.bracketOpen = this.gotColon = this.inDuration = false;
        return this.emit('RIGHT_BRACKET');
      case ':':
        this.emit('COLON');
        if (!this.gotDuration) return this.replace('unexpected colon before duration in duration expression');
        if (this.gotColon) return this.replace('unexpected repeated colon in duration expression');
        this.gotColon = true;
        return;
      case '(':
      case ')':
        return this.paren(r);
    }
    if ('srmSRM'.includes(r)) {
      if (!this.durationKeyword()) this.fail(`unexpected character in duration expression: ${goQuoteRune(r)}`);
      return;
    }
    if (!this.numberStart(r)) return this.fail(`unexpected character in duration expression: ${goQuoteRune(r)}`);
    this.backup();
    this.gotDuration = true;
    this.inDuration = false;
    this.numberOrDuration();
  }

  /** lexInsideBraces. */
  private insideBraces(): void {
    if (this.skipComment()) return;
    const r = this.next();
    if (r === EOF) return this.fail('unexpected end of input inside braces');
    if (isSpace(r)) return this.skipSpace();
    if (isAlpha(r)) {
      while (isAlphaNumeric(this.next()));
      this.backup();
      return this.emit('IDENTIFIER');
    }
    switch (r) {
      case ',':
        return this.emit('COMMA');
      case '"':
      case "'":
      case '`':
        return this.string(r);
      case '=':
        return this.emit(this.accept('~') ? 'EQL_REGEX' : 'EQL');
      case '!': {
        const nr = this.next();
        if (nr === '~' || nr === '=') return this.emit(nr === '~' ? 'NEQ_REGEX' : 'NEQ');
        return this.fail(`unexpected character after '!' inside braces: ${goQuoteRune(nr)}`);
      }
      case '{':
        return this.fail(`unexpected left brace ${goQuoteRune(r)}`);
      case '}':
        this.braceOpen = false;
        return this.emit('RIGHT_BRACE');
    }
    this.fail(`unexpected character inside braces: ${goQuoteRune(r)}`);
  }

  /** lexString and lexRawString, after the opening quote. */
  private string(quote: string): void {
    this.stringOpen = quote;
    for (;;) {
      const c = this.next();
      if (isRuneError(c)) return this.fail('invalid UTF-8 rune');
      if (c === EOF && quote === '`') return this.fail('unterminated raw string');
      if (c === EOF || (c === '\n' && quote !== '`')) return this.fail('unterminated quoted string');
      if (c === quote) return this.emit('STRING');
      if (c === '\\' && quote !== '`' && !this.escape()) return;
    }
  }

  /** lexEscape: checks one escape sequence after its backslash. */
  private escape(): boolean {
    let ch = this.next();
    let n: number;
    let base: number;
    let max: number;
    if (ch !== EOF && ('abfnrtv\\'.includes(ch) || ch === this.stringOpen)) return true;
    if (ch >= '0' && ch <= '7' && ch !== EOF) [n, base, max] = [3, 8, 255];
    else if (ch === 'x') [ch, n, base, max] = [this.next(), 2, 16, 255];
    else if (ch === 'u') [ch, n, base, max] = [this.next(), 4, 16, 0x10ffff];
    else if (ch === 'U') [ch, n, base, max] = [this.next(), 8, 16, 0x10ffff];
    else {
      this.fail(ch === EOF ? 'escape sequence not terminated' : `unknown escape sequence ${goRuneU(ch)}`);
      return false;
    }
    let x = 0;
    for (; n > 0; n--) {
      const d = /^[0-9a-fA-F]$/.test(ch) ? parseInt(ch, 16) : 16;
      if (d >= base) {
        this.fail(ch === EOF ? 'escape sequence not terminated' : `illegal character ${goRuneU(ch)} in escape sequence`);
        return false;
      }
      x = x * base + d;
      if (n > 1) ch = this.next();
    }
    if (x <= max && !(x >= 0xd800 && x < 0xe000)) return true;
    this.fail('escape sequence is an invalid Unicode code point');
    return false;
  }

  /** lexNumberOrDuration. */
  private numberOrDuration(): void {
    if (this.scanNumber()) return this.emit('NUMBER');
    if (this.remainingDuration()) {
      this.backup();
      return this.emit('DURATION');
    }
    this.fail(`bad number or duration syntax: ${goQuote(this.input.slice(this.start, this.pos))}`);
  }

  /** acceptRemainingDuration: continues where scanNumber stopped. */
  private remainingDuration(): boolean {
    if (!this.accept('smhdwy')) return false;
    this.accept('s');
    while (this.accept('0123456789')) {
      while (this.accept('0123456789'));
      if (!this.accept('smhdw')) return false;
      this.accept('s');
    }
    return !isAlphaNumeric(this.next());
  }

  private scanNumber(): boolean {
    const initial = this.pos;
    let digits = '0123456789';
    if (this.accept('0') && this.accept('xX')) {
      this.accept('_');
      digits = '0123456789abcdefABCDEF';
    }
    this.accept('.');
    this.accept(digits);
    let dot = false;
    let exponent = false;
    while (this.is(`${digits}._eE`)) {
      if ((this.is('.') && dot) || (this.is('eE') && exponent)) {
        this.next();
        return false;
      }
      if (this.accept('.')) {
        dot = true;
        if (this.accept('_.') || digits.length > 10) return false;
      } else if (this.accept('eE')) {
        exponent = true;
        this.accept('+-');
        if (this.accept('._eE') || this.peek() === EOF) return false;
      } else if (this.accept('_')) {
        if (this.accept('._eE') || this.peek() === EOF) return false;
      } else {
        while (this.accept(digits));
      }
    }
    return this.pos !== initial && !isAlphaNumeric(this.peek());
  }

  /** lexKeywordOrIdentifier: keywords are case-insensitive; a colon makes a metric identifier. */
  private keywordOrIdentifier(): void {
    for (let c = this.next(); isAlphaNumeric(c) || c === ':'; c = this.next());
    this.backup();
    const word = this.input.slice(this.start, this.pos);
    const lower = word.toLowerCase();
    if (lower === 'inf' || lower === 'nan') return this.emit('NUMBER');
    const op = OPERATOR_WORDS[lower];
    if (op) return this.emit(op);
    if (AGGREGATORS.has(lower)) return this.emit('aggr');
    if (PREPROCESSORS.has(lower)) return this.emit('preprocessor');
    // fill, fill_left and fill_right are keywords only before "(".
    if (KEYWORDS.has(lower) && (!lower.startsWith('fill') || /^[ \t\r\n]*\(/.test(this.input.slice(this.pos)))) return this.emit('keyword');
    this.emit(word.includes(':') ? 'METRIC_IDENTIFIER' : 'IDENTIFIER');
  }
}

export function lex(input: string): LexResult {
  const l = new Lexer(input);
  l.run();
  return l.error ? { tokens: l.tokens, error: l.error } : { tokens: l.tokens };
}

/** The tokens starting within [from, to); tokens are in input order. */
export function tokensBetween(tokens: readonly Token[], from: number, to: number): Token[] {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((tokens[mid] as Token).pos < from) lo = mid + 1;
    else hi = mid;
  }
  const out: Token[] = [];
  for (let i = lo; i < tokens.length && (tokens[i] as Token).pos < to; i++) if (tokens[i]?.type !== 'EOF') out.push(tokens[i] as Token);
  return out;
}

export type { Token, TokenType, LexResult } from './parse-tokens.ts';
