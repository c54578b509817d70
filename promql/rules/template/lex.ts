/**
 * Tokens of Go's text/template, the language of Prometheus' alert labels and annotations
 * (https://pkg.go.dev/text/template). Only the lexical forms Prometheus' documented templates use are read;
 * anything else is a TemplateError with the line, as Go's own parser reports it.
 */
export type TokenKind =
  | 'text'
  | 'open' // {{
  | 'close' // }}
  | 'space'
  | 'pipe' // |
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'declare' // :=
  | 'assign' // =
  | 'string'
  | 'rawString'
  | 'char'
  | 'number'
  | 'bool'
  | 'nil'
  | 'dot' // .
  | 'field' // .Name
  | 'variable' // $ or $name
  | 'identifier'
  | 'keyword';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** 1-based line of the token's start, as Go reports positions. */
  readonly line: number;
}

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

export const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);

const SPACE = /[ \t\r\n]/;
const IDENT_START = /[A-Za-z_]/;
const IDENT = /[A-Za-z0-9_]/;

/** Splits `text` into tokens; `name` is the template's name for error messages. */
export function lex(name: string, text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  const fail = (msg: string): never => {
    throw new TemplateError(`template: ${name}:${line}: ${msg}`);
  };
  const push = (kind: TokenKind, value: string, at = line) => out.push({ kind, text: value, line: at });
  const advance = (to: number) => {
    for (let k = i; k < to; k++) if (text[k] === '\n') line++;
    i = to;
  };

  while (i < text.length) {
    const open = text.indexOf('{{', i);
    if (open < 0) {
      push('text', text.slice(i));
      advance(text.length);
      break;
    }
    // `{{- ` trims the whitespace before the action; the marker needs a space after it.
    const trimLeft = text[open + 2] === '-' && SPACE.test(text[open + 3] ?? '');
    let before = text.slice(i, open);
    if (trimLeft) before = before.replace(/[ \t\r\n]+$/, '');
    if (before !== '') push('text', before);
    advance(open + (trimLeft ? 3 : 2));
    if (text.startsWith('/*', i) || (SPACE.test(text[i] ?? '') && text.slice(i).trimStart().startsWith('/*') && trimLeft)) {
      lexComment();
      continue;
    }
    push('open', '{{');
    lexAction();
  }
  return out;

  function lexComment() {
    const start = text.indexOf('/*', i);
    const end = text.indexOf('*/', start + 2);
    if (end < 0) fail('unclosed comment');
    advance(end + 2);
    const trimRight = text.startsWith(' -}}', i);
    const after = trimRight ? i + 2 : i;
    if (!text.startsWith('}}', after)) fail('comment ends before closing delimiter');
    advance(after + 2);
    if (trimRight) skipSpace();
  }

  function skipSpace() {
    let j = i;
    while (j < text.length && SPACE.test(text[j] as string)) j++;
    advance(j);
  }

  function lexAction() {
    let depth = 0;
    for (;;) {
      if (i >= text.length) fail('unclosed action');
      // ` -}}` trims the whitespace after the action.
      if (text.startsWith(' -}}', i) || text.startsWith('\t-}}', i) || text.startsWith('\n-}}', i)) {
        if (depth > 0) fail('unclosed left paren');
        advance(i + 4);
        push('close', '}}');
        skipSpace();
        return;
      }
      if (text.startsWith('}}', i)) {
        if (depth > 0) fail('unclosed left paren');
        advance(i + 2);
        push('close', '}}');
        return;
      }
      const c = text[i] as string;
      if (SPACE.test(c)) {
        // A run of spaces, but not the one that starts a ` -}}` trim marker.
        let j = i;
        while (j < text.length && SPACE.test(text[j] as string) && !/^[ \t\r\n]-}}/.test(text.slice(j, j + 4))) j++;
        if (j > i) {
          push('space', ' ');
          advance(j);
        }
        continue;
      }
      if (c === '|') {
        push('pipe', c);
        advance(i + 1);
      } else if (c === '(') {
        depth++;
        push('lparen', c);
        advance(i + 1);
      } else if (c === ')') {
        if (--depth < 0) fail(`unexpected right paren`);
        push('rparen', c);
        advance(i + 1);
      } else if (c === ',') {
        push('comma', c);
        advance(i + 1);
      } else if (text.startsWith(':=', i)) {
        push('declare', ':=');
        advance(i + 2);
      } else if (c === '=') {
        push('assign', '=');
        advance(i + 1);
      } else if (c === '"') {
        lexQuoted('"', 'string');
      } else if (c === '`') {
        const end = text.indexOf('`', i + 1);
        if (end < 0) fail('unterminated raw quoted string');
        push('rawString', text.slice(i, end + 1));
        advance(end + 1);
      } else if (c === "'") {
        lexQuoted("'", 'char');
      } else if (c === '$') {
        let j = i + 1;
        while (j < text.length && IDENT.test(text[j] as string)) j++;
        push('variable', text.slice(i, j));
        advance(j);
      } else if (c === '.' && !/[0-9]/.test(text[i + 1] ?? '')) {
        if (IDENT_START.test(text[i + 1] ?? '')) {
          let j = i + 1;
          while (j < text.length && IDENT.test(text[j] as string)) j++;
          push('field', text.slice(i, j));
          advance(j);
        } else {
          push('dot', '.');
          advance(i + 1);
        }
      } else if (/[0-9+\-.]/.test(c)) {
        const m = /^[+-]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9_]+)?)/.exec(text.slice(i));
        if (!m || IDENT.test(text[i + m[0].length] ?? '')) fail(`bad number syntax: ${JSON.stringify(text.slice(i, i + (m?.[0].length ?? 0) + 1))}`);
        push('number', (m as RegExpExecArray)[0]);
        advance(i + (m as RegExpExecArray)[0].length);
      } else if (IDENT_START.test(c)) {
        let j = i;
        while (j < text.length && IDENT.test(text[j] as string)) j++;
        const word = text.slice(i, j);
        push(word === 'true' || word === 'false' ? 'bool' : word === 'nil' ? 'nil' : KEYWORDS.has(word) ? 'keyword' : 'identifier', word);
        advance(j);
      } else {
        fail(`unexpected ${JSON.stringify(c)} in command`);
      }
    }
  }

  function lexQuoted(quote: string, kind: TokenKind) {
    let j = i + 1;
    while (j < text.length && text[j] !== quote) {
      if (text[j] === '\n') fail(`unterminated ${kind === 'char' ? 'character constant' : 'quoted string'}`);
      j += text[j] === '\\' ? 2 : 1;
    }
    if (j >= text.length) fail(`unterminated ${kind === 'char' ? 'character constant' : 'quoted string'}`);
    push(kind, text.slice(i, j + 1));
    advance(j + 1);
  }
}
