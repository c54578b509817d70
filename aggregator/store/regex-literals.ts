// What the index can learn from a regex matcher's source without running it (Prometheus' "set matches" and
// literal-prefix shortcuts in tsdb/querier.go and model/labels/regexp.go). The answer only narrows the label
// values the index tests with the compiled matcher, so it must never leave out a value the regex matches: when in
// doubt the analysis gives up and every value is tested.

/** `set`: the regex matches exactly these strings. `prefix`: every string it matches starts with this. */
export type RegexLiterals = { readonly kind: 'set'; readonly values: readonly string[] } | { readonly kind: 'prefix'; readonly prefix: string } | { readonly kind: 'none' };

const NONE: RegexLiterals = { kind: 'none' };

type Token =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'quantifier' }
  | { readonly kind: 'open' }
  | { readonly kind: 'close' }
  | { readonly kind: 'bar' }
  | { readonly kind: 'other' };

// Punctuation a backslash makes literal in Go's syntax; `\` before a letter or digit is a class or an escape code.
const ESCAPABLE = /^[!-/:-@[-`{-~]$/;

/**
 * Splits Go regex source into the tokens this analysis needs, or undefined for syntax it does not try to read
 * (`\Q…\E`, flag groups such as `(?i)`, which could fold case). A character class becomes one `other` token; its
 * end is found naively (`[[:alpha:]]` ends early), which can only make an alternation look top-level when it is
 * not, never hide one.
 */
function tokenize(source: string): Token[] | undefined {
  const out: Token[] = [];
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string;
    if (c === '\\') {
      const next = source[i + 1];
      if (next === undefined || !ESCAPABLE.test(next)) {
        if (next === 'Q') return undefined;
        out.push({ kind: 'other' });
      } else out.push({ kind: 'literal', text: next });
      i++;
    } else if (c === '[') {
      let j = i + 1;
      if (source[j] === '^') j++;
      if (source[j] === ']') j++;
      while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
      out.push({ kind: 'other' });
      i = j;
    } else if (c === '(') {
      if (source[i + 1] === '?') {
        if (source[i + 2] !== ':') return undefined;
        i += 2;
      }
      out.push({ kind: 'open' });
    } else if (c === ')') out.push({ kind: 'close' });
    else if (c === '|') out.push({ kind: 'bar' });
    else if (c === '*' || c === '+' || c === '?' || c === '{') out.push({ kind: 'quantifier' });
    else if (c === '.' || c === '^' || c === '$') out.push({ kind: 'other' });
    else {
      // A whole code point, so a prefix never ends between the halves of a surrogate pair.
      const cp = source.codePointAt(i) as number;
      const text = String.fromCodePoint(cp);
      out.push({ kind: 'literal', text });
      i += text.length - 1;
    }
  }
  return out;
}

/** Literal alternatives of `a|b|c`, optionally inside one group: `(a|b)`. */
function literalSet(tokens: readonly Token[]): string[] | undefined {
  let body = tokens;
  const first = tokens[0];
  const last = tokens[tokens.length - 1];
  if (first?.kind === 'open' && last?.kind === 'close' && tokens.slice(1, -1).every((t) => t.kind === 'literal' || t.kind === 'bar')) {
    body = tokens.slice(1, -1);
  }
  const values: string[] = [''];
  for (const t of body) {
    if (t.kind === 'bar') values.push('');
    else if (t.kind === 'literal') values[values.length - 1] += t.text;
    else return undefined;
  }
  return [...new Set(values)];
}

/** Literal text every match starts with: the leading literals, unless the regex alternates at its top level. */
function literalPrefix(tokens: readonly Token[]): string {
  let depth = 0;
  for (const t of tokens) {
    if (t.kind === 'open') depth++;
    else if (t.kind === 'close') depth--;
    else if (t.kind === 'bar' && depth <= 0) return '';
  }
  let prefix = '';
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind !== 'literal') break;
    // `ab*`: the b may be absent, so only `a` is certain.
    if (tokens[i + 1]?.kind === 'quantifier') break;
    prefix += t.text;
  }
  return prefix;
}

export function regexLiterals(source: string): RegexLiterals {
  const tokens = tokenize(source);
  if (tokens === undefined) return NONE;
  const set = literalSet(tokens);
  if (set !== undefined) return { kind: 'set', values: set };
  const prefix = literalPrefix(tokens);
  return prefix === '' ? NONE : { kind: 'prefix', prefix };
}
