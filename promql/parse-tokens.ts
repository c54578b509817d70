// The PromQL lexer's vocabulary: token types and the character and word tables of Prometheus' lex.go.

export type TokenType =
  | 'EOF' | 'IDENTIFIER' | 'METRIC_IDENTIFIER' | 'NUMBER' | 'DURATION' | 'STRING'
  | 'LEFT_PAREN' | 'RIGHT_PAREN' | 'LEFT_BRACE' | 'RIGHT_BRACE' | 'LEFT_BRACKET' | 'RIGHT_BRACKET'
  | 'COMMA' | 'EQL' | 'COLON'
  // Operators.
  | 'ADD' | 'SUB' | 'MUL' | 'DIV' | 'MOD' | 'POW' | 'EQLC' | 'NEQ' | 'LTE' | 'LSS' | 'GTE' | 'GTR'
  | 'TRIM_UPPER' | 'TRIM_LOWER' | 'EQL_REGEX' | 'NEQ_REGEX' | 'AT' | 'ATAN2' | 'LAND' | 'LOR' | 'LUNLESS'
  // Aggregators (sum…), keywords (by, offset…) and preprocessors (start, end, step, range, max_of, min_of).
  | 'aggr' | 'keyword' | 'preprocessor';

export interface Token {
  readonly type: TokenType;
  readonly pos: number;
  readonly text: string;
}

export interface LexResult {
  /** Up to the first error, or through EOF. */
  readonly tokens: readonly Token[];
  /** The first lexical error; lexing stops there, as in Prometheus. */
  readonly error?: { readonly pos: number; readonly message: string };
}

export const OPERATOR_WORDS: Record<string, TokenType> = { and: 'LAND', or: 'LOR', unless: 'LUNLESS', atan2: 'ATAN2' };
export const AGGREGATORS = new Set([
  'sum', 'avg', 'count', 'min', 'max', 'group', 'stddev', 'stdvar', 'topk', 'bottomk', 'count_values', 'quantile', 'limitk', 'limit_ratio',
]);
export const KEYWORDS = new Set([
  'offset', 'smoothed', 'anchored', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'fill', 'fill_left', 'fill_right', 'bool',
]);
export const PREPROCESSORS = new Set(['start', 'end', 'step', 'range', 'max_of', 'min_of']);
export const DURATION_KEYWORDS = new Set(['step', 'range', 'max_of', 'min_of']);
export const SINGLE: Record<string, TokenType> = { ',': 'COMMA', '*': 'MUL', '/': 'DIV', '%': 'MOD', '+': 'ADD', '-': 'SUB', '^': 'POW', '@': 'AT' };
export const DURATION_OPS: Record<string, TokenType> = { ',': 'COMMA', '*': 'MUL', '/': 'DIV', '%': 'MOD', '+': 'ADD', '-': 'SUB', '^': 'POW' };

export const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
export const isDigit = (c: string) => c >= '0' && c <= '9';
export const isAlpha = (c: string) => c === '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
export const isAlphaNumeric = (c: string) => isAlpha(c) || isDigit(c);
/** What Go's UTF-8 decoding yields as RuneError: U+FFFD itself, and here unpaired surrogates. */
export const isRuneError = (c: string) => c === '\uFFFD' || (c.length === 1 && c >= '\uD800' && c <= '\uDFFF');
