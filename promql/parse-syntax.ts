// Bridges between Prometheus' lexer (parse-lex.ts) and the lezer grammar: the input lezer gets, and syntax
// errors worded as Prometheus' yacc grammar words them ("unexpected <token> in <context>, expected …").

import { parseError, type QueryError } from './errors.ts';
import { functionSignature } from './function-signatures.ts';
import type { LexResult, Token, TokenType } from './parse-lex.ts';
import { goQuote } from './parse-literals.ts';

/** Functions Prometheus has that the lezer grammar does not know by name. */
const NOT_IN_LEZER = new Set(['max_of', 'min_of']);

const GROUPING_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const isKeyword = (t: Token | undefined, ...words: string[]) => t?.type === 'keyword' && words.includes(t.text.toLowerCase());

export interface Sanitized {
  /** The input as lezer should see it: same length, so every position stays valid for the original. */
  readonly text: string;
  /** Calls whose name lezer would not accept, by position: the name as written. */
  readonly calls: ReadonlyMap<number, string>;
}

/**
 * Rewrites what lezer reads differently from Prometheus, keeping every position: number and duration literals
 * become plain digits (lezer refuses `1.` and unordered durations, whose errors Prometheus reports itself), calls
 * of functions lezer does not know become a known name padded with spaces (the name is reported or kept from
 * `calls`), and `offset` used as a metric name becomes an identifier.
 */
export function sanitize(input: string, tokens: readonly Token[]): Sanitized {
  const chars = input.split(''); // UTF-16 units, as positions count them
  const calls = new Map<number, string>();
  const put = (pos: number, text: string) => {
    for (let i = 0; i < text.length; i++) chars[pos + i] = text[i] as string;
  };
  let brackets = 0;
  const grouping: boolean[] = [];
  tokens.forEach((t, i) => {
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    if (t.type === 'LEFT_BRACKET') brackets++;
    if (t.type === 'RIGHT_BRACKET') brackets--;
    if (t.type === 'LEFT_PAREN') grouping.push(isKeyword(prev, ...GROUPING_KEYWORDS));
    if (t.type === 'RIGHT_PAREN') grouping.pop();
    const call = (t.type === 'IDENTIFIER' || t.type === 'preprocessor') && next?.type === 'LEFT_PAREN';
    if (t.type === 'NUMBER' || t.type === 'DURATION') put(t.pos, '1'.repeat(t.text.length));
    else if (t.type === 'METRIC_IDENTIFIER' && grouping[grouping.length - 1]) {
      put(t.pos, t.text.replace(/:/g, '_')); // Prometheus takes `a:b` as a grouping label; lezer's label names have no colon
    } else if (call && brackets === 0 && !afterOffset(tokens, i) && prev?.type !== 'AT') {
      if ((NOT_IN_LEZER.has(t.text) || !functionSignature(t.text)) && t.text.length >= 2) {
        put(t.pos, `ln${' '.repeat(t.text.length - 2)}`);
        calls.set(t.pos, t.text);
      }
    } else if (t.type === 'keyword' && t.text.toLowerCase() === 'offset' && startsExpression(prev)) {
      put(t.pos, 'x'.repeat(t.text.length));
    }
  });
  return { text: chars.join(''), calls };
}

/** Whether token i follows `offset` (and signs), where max_of(…) and step() are duration functions. */
function afterOffset(tokens: readonly Token[], i: number): boolean {
  let j = i - 1;
  while (tokens[j]?.type === 'ADD' || tokens[j]?.type === 'SUB') j--;
  return isKeyword(tokens[j], 'offset');
}

/** Whether an expression may start after this token, so that `offset` there is a metric name. */
function startsExpression(prev: Token | undefined): boolean {
  if (!prev) return true;
  if (prev.type === 'LEFT_PAREN' || prev.type === 'COMMA') return true;
  return isOperator(prev.type) && prev.type !== 'AT';
}

/**
 * The error for input lezer could not parse (errorPos: where its first error node starts), or for a lexical error:
 * whichever Prometheus meets first.
 */
export function syntaxError(input: string, lexed: LexResult, errorPos: number | undefined): QueryError {
  const { tokens, error } = lexed;
  const k = errorPos === undefined ? tokens.length : tokens.findIndex((t) => t.pos + Math.max(t.text.length, 1) > errorPos);
  const at = k < 0 ? tokens.length : k;
  if (error && at >= tokens.length) return parseError(input, error.pos, error.message);
  const token: Token = tokens[at] ?? { type: 'EOF', pos: input.length, text: '' };
  const prev = tokens[at - 1];
  if (token.type === 'RIGHT_PAREN' && prev?.type === 'COMMA') {
    return parseError(input, prev.pos, 'trailing commas not allowed in function call args');
  }
  if (token.type === 'LEFT_PAREN' && prev?.type === 'IDENTIFIER') {
    return parseError(input, prev.pos, `unknown function with name ${goQuote(prev.text)}`);
  }
  const where = context(tokens, at);
  return parseError(input, token.pos, `unexpected ${describeToken(token)}${where}`);
}

/** The " in …, expected …" part that Prometheus' error rules add, judged from the tokens before the bad one. */
function context(tokens: readonly Token[], at: number): string {
  let brace = -1;
  let bracket = -1;
  const parens: ('group' | 'aggregation' | 'other')[] = [];
  const openedAt: number[] = [];
  let closedGroupAfterAggregator = false; // the last `)` closed `by (…)` or `without (…)` right after sum, avg…
  for (let i = 0; i < at; i++) {
    const t = tokens[i] as Token;
    if (t.type === 'LEFT_BRACE') brace = i;
    else if (t.type === 'RIGHT_BRACE') brace = -1;
    else if (t.type === 'LEFT_BRACKET') bracket = i;
    else if (t.type === 'RIGHT_BRACKET') bracket = -1;
    else if (t.type === 'LEFT_PAREN') {
      const before = tokens[i - 1];
      const group = bracket < 0 && isKeyword(before, ...GROUPING_KEYWORDS);
      const aggregation = before?.type === 'aggr' || (before?.type === 'RIGHT_PAREN' && closedGroupAfterAggregator);
      parens.push(group ? 'group' : aggregation ? 'aggregation' : 'other');
      openedAt.push(i);
    } else if (t.type === 'RIGHT_PAREN') {
      const open = openedAt.pop() ?? 0;
      closedGroupAfterAggregator = parens.pop() === 'group' && isKeyword(tokens[open - 1], 'by', 'without') && tokens[open - 2]?.type === 'aggr';
    }
  }
  const prev = tokens[at - 1];
  if (brace >= 0) {
    let start = brace + 1;
    for (let i = brace + 1; i < at; i++) if (tokens[i]?.type === 'COMMA') start = i + 1;
    const m = tokens.slice(start, at);
    const expected =
      m.length === 0 ? 'identifier or "}"'
      : m.length === 1 && m[0]?.type === 'IDENTIFIER' ? 'label matching operator'
      : m.length === 2 ? 'string'
      : '"," or "}"';
    return ` in label matching, expected ${expected}`;
  }
  if (bracket >= 0) {
    const b = tokens.slice(bracket + 1, at);
    const colon = b.findIndex((t) => t.type === 'COLON');
    const complete = (ts: Token[]) => ['NUMBER', 'DURATION', 'RIGHT_PAREN'].includes(ts[ts.length - 1]?.type ?? '');
    if (colon >= 0) {
      return complete(b.slice(colon + 1))
        ? ' in subquery selector, expected "]"'
        : ' in subquery selector, expected number, duration, step(), range(), or "]"';
    }
    return complete(b)
      ? ' in subquery or range, expected ":" or "]"'
      : ' in subquery or range selector, expected number, duration, step(), or range()';
  }
  let j = at - 1;
  while (tokens[j]?.type === 'ADD' || tokens[j]?.type === 'SUB') j--;
  if (isKeyword(tokens[j], 'offset')) return ' in offset, expected number, duration, step(), or range()';
  if (tokens[j]?.type === 'preprocessor' && tokens[j - 1]?.type === 'AT') j--;
  if (tokens[j]?.type === 'AT') return ' in @, expected timestamp';
  if (parens[parens.length - 1] === 'group') {
    return prev?.type === 'LEFT_PAREN' || prev?.type === 'COMMA'
      ? ' in grouping opts, expected label'
      : ' in grouping opts, expected "," or ")"';
  }
  if (isKeyword(prev, 'by', 'without', 'on', 'ignoring')) return ' in grouping opts, expected "("';
  // Otherwise the innermost grammar rule with error recovery is the aggregation's, if inside one.
  return parens.includes('aggregation') ? ' in aggregation' : '';
}

const OPERATORS = new Set<TokenType>([
  'ADD', 'SUB', 'MUL', 'DIV', 'MOD', 'POW', 'EQLC', 'NEQ', 'LTE', 'LSS', 'GTE', 'GTR', 'TRIM_UPPER', 'TRIM_LOWER',
  'EQL_REGEX', 'NEQ_REGEX', 'AT', 'ATAN2', 'LAND', 'LOR', 'LUNLESS',
]);
const isOperator = (t: TokenType) => OPERATORS.has(t);
const PUNCTUATION = new Set<TokenType>(['LEFT_PAREN', 'RIGHT_PAREN', 'LEFT_BRACE', 'RIGHT_BRACE', 'LEFT_BRACKET', 'RIGHT_BRACKET', 'COMMA', 'EQL', 'COLON']);
const KINDS: Partial<Record<TokenType, string>> = {
  IDENTIFIER: 'identifier', METRIC_IDENTIFIER: 'metric identifier', STRING: 'string', NUMBER: 'number', DURATION: 'duration',
};

/** How Prometheus names a token in "unexpected …" messages (Item.desc). */
export function describeToken(t: Token): string {
  if (t.type === 'EOF') return 'end of input';
  if (t.type === 'keyword') return `<${t.text}>`;
  if (t.type === 'aggr') return `<aggr:${t.text}>`;
  if (isOperator(t.type)) return `<op:${t.text}>`;
  if (PUNCTUATION.has(t.type) || t.type === 'preprocessor') return goQuote(t.text);
  // Go's %.10q: literals longer than ten characters are cut; names never are.
  const long = t.type !== 'IDENTIFIER' && t.type !== 'METRIC_IDENTIFIER' && [...t.text].length > 10;
  return `${KINDS[t.type] ?? t.type} ${long ? `${goQuote([...t.text].slice(0, 10).join(''))}...` : goQuote(t.text)}`;
}
