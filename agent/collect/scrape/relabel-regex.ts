// Go regexp (RE2 syntax) semantics on top of JavaScript's RegExp, for relabeling.
//
// Prometheus compiles a relabel regex as `^(?s:<re>)$` with Go's regexp package (3.x; 2.x used `^(?:<re>)$`,
// which differs only in whether `.` matches a newline). JavaScript's syntax overlaps but differs in ways that
// silently change matches (a lone `{` or `]`, `\s`, `.`, POSIX classes, `[]a]`) or that Go rejects outright
// (lookaround, backreferences). So the pattern is walked once and rewritten for a `u`-mode RegExp; anything
// without a faithful JavaScript form is refused with a message instead of being matched differently.

/** A Go-syntax regex that cannot be compiled, or has no faithful JavaScript equivalent. */
export class GoRegexError extends Error {}

type Range = readonly [number, number];

// Go's Perl `\s` is ASCII only; JavaScript's includes Unicode spaces and \v.
const PERL_SPACE: Range[] = [[0x09, 0x0a], [0x0c, 0x0d], [0x20, 0x20]];
const POSIX: Record<string, Range[]> = {
  alnum: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]],
  alpha: [[0x41, 0x5a], [0x61, 0x7a]],
  ascii: [[0x00, 0x7f]],
  blank: [[0x09, 0x09], [0x20, 0x20]],
  cntrl: [[0x00, 0x1f], [0x7f, 0x7f]],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
  space: [[0x09, 0x0d], [0x20, 0x20]],
  upper: [[0x41, 0x5a]],
  word: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]],
  xdigit: [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]],
};

const JS_SYNTAX = new Set('^$\\.*+?()[]{}|/');
const isOctal = (c: string | undefined) => c !== undefined && c >= '0' && c <= '7';
const isHex = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c);

/** One code point as a `u`-mode literal, escaped where JavaScript would read it as syntax. */
function literal(cp: number, inClass: boolean): string {
  const ch = String.fromCodePoint(cp);
  if (JS_SYNTAX.has(ch) || (inClass && ch === '-')) return `\\${ch}`;
  return cp < 0x20 || cp === 0x7f || (cp >= 0x80 && !/[\p{L}\p{N}\p{P}\p{S}]/u.test(ch)) ? `\\u{${cp.toString(16)}}` : ch;
}

/** Ranges as the inside of a JavaScript character class. */
function classBody(ranges: readonly Range[]): string {
  return ranges.map(([lo, hi]) => (lo === hi ? literal(lo, true) : `${literal(lo, true)}-${literal(hi, true)}`)).join('');
}

/** The code points outside sorted, disjoint ranges, so a negated set can sit inside a `u`-mode class. */
function complement(ranges: readonly Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of ranges) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= 0x10ffff) out.push([next, 0x10ffff]);
  return out;
}

/** Whether `name` is a short General_Category value (L, Lu, Nd…), which JavaScript takes bare like Go does. */
function isGeneralCategory(name: string): boolean {
  if (!/^[A-Z][a-z]?$/.test(name)) return false;
  try {
    new RegExp(`\\p{General_Category=${name}}`, 'u');
    return true;
  } catch {
    return false;
  }
}

class Translator {
  private readonly cs: string[];
  private i = 0;
  /** Where the leading run of (?flags) groups ends; only those may set flags. */
  private leadEnd = 0;
  private readonly fail = (problem: string): never => {
    throw new GoRegexError(`invalid regex ${JSON.stringify(this.src)}: ${problem}`);
  };
  /** Go's case-insensitive and dot-matches-newline flags, fixed for the whole pattern. */
  readonly flags = { i: false, s: true };

  constructor(private readonly src: string) {
    this.cs = [...src];
  }

  translate(): string {
    let out = '';
    while (this.i < this.cs.length) out += this.atom();
    return out;
  }

  private atom(): string {
    const c = this.cs[this.i++] as string;
    switch (c) {
      case '\\': {
        const e = this.escape(false);
        return typeof e === 'number' ? literal(e, false) : e;
      }
      case '[': return this.charClass();
      case '(': return this.group();
      case '.': return this.flags.s ? '.' : '[^\\n]'; // JavaScript's `.` also stops at \r, U+2028 and U+2029
      case '{': return this.brace();
      case '}': case ']': case '/': return `\\${c}`;
      default: return c; // ^ $ | * + ? ) and literals mean the same in both
    }
  }

  /** `{n}`, `{n,}` and `{n,m}` repeat; any other `{` is a literal in Go but a syntax error in `u` mode. */
  private brace(): string {
    const rest = this.cs.slice(this.i).join('');
    const m = /^(0|[1-9]\d*)(,(0|[1-9]\d*)?)?\}/.exec(rest); // Go refuses leading zeros: `{01}` is literal
    if (!m) return '\\{';
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === undefined ? -1 : Number(m[3]);
    if (min > 1000 || max > 1000 || (max >= 0 && min > max)) this.fail(`invalid repeat count {${m[0]}`);
    this.i += m[0].length;
    return `{${m[0]}`;
  }

  private group(): string {
    if (this.cs[this.i] !== '?') return '(';
    const rest = this.cs.slice(this.i + 1, this.i + 300).join('');
    const named = /^P?<([^>]*)>/.exec(rest);
    if (named && !/^<[=!]/.test(rest)) {
      const name = named[1] as string;
      if (!/^\w+$/.test(name)) this.fail(`invalid named capture (?${named[0]}`);
      // Go accepts any word characters; a JavaScript group name cannot start with a digit.
      if (/^\d/.test(name)) this.fail(`capture group name ${JSON.stringify(name)} starting with a digit is not supported`);
      this.i += 1 + named[0].length;
      return `(?<${name}>`;
    }
    // Go's (?flags) / (?flags:re): i, m, s, U, optionally cleared after one `-` that must be followed by a flag.
    const f = /^([imsU]*)(?:-([imsU]+))?([:)])/.exec(rest);
    if (!f) return this.fail('unsupported group syntax after "(?": Go (RE2) has no lookaround, backreferences or atomic groups');
    const wanted = { ...this.flags, m: false, U: false };
    for (const flag of f[1] as string) wanted[flag as keyof typeof wanted] = true;
    for (const flag of f[2] ?? '') wanted[flag as keyof typeof wanted] = false;
    const atStart = this.i - 1 === this.leadEnd && f[3] === ')';
    this.i += 1 + f[0].length;
    if (wanted.m || wanted.U) this.fail('flags m and U are not supported');
    if (atStart) {
      // A leading (?flags) covers the whole pattern, which JavaScript expresses as RegExp flags.
      this.flags.i = wanted.i;
      this.flags.s = wanted.s;
      this.leadEnd = this.i;
      return '';
    }
    // Elsewhere a flag group must not change anything: JavaScript (Node 20) has no scoped modifiers.
    if (wanted.i !== this.flags.i || wanted.s !== this.flags.s) this.fail(`flag group (?${f[0]} is only supported at the very start`);
    return f[3] === ':' ? '(?:' : '';
  }

  /** After a backslash: a code point for a character escape, or JavaScript text for anything else. */
  private escape(inClass: boolean): number | string {
    const c = this.cs[this.i++];
    if (c === undefined) return this.fail('trailing backslash at end of expression');
    const cp = c.codePointAt(0) as number;
    if (cp < 0x80 && !/[0-9A-Za-z]/.test(c)) return cp; // Go: escaped ASCII punctuation is itself
    // Octal: \0, or \1-\7 followed by another octal digit; a lone \1 would be a backreference, which Go rejects.
    if (isOctal(c) && (c === '0' || isOctal(this.cs[this.i]))) {
      let v = cp - 0x30;
      for (let k = 1; k < 3 && isOctal(this.cs[this.i]); k++) v = v * 8 + (this.cs[this.i++] as string).charCodeAt(0) - 0x30;
      return v;
    }
    const simple: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
    if (Object.hasOwn(simple, c)) return simple[c] as number;
    switch (c) {
      case 'd': case 'D': case 'w': case 'W': return `\\${c}`; // ASCII-only in both
      case 's': return inClass ? classBody(PERL_SPACE) : `[${classBody(PERL_SPACE)}]`;
      case 'S': return inClass ? classBody(complement(PERL_SPACE)) : `[^${classBody(PERL_SPACE)}]`;
      case 'x': return this.hexEscape();
      case 'p': case 'P': return this.unicodeClass(c === 'P');
    }
    if (!inClass) {
      if (c === 'b' || c === 'B') return `\\${c}`;
      if (c === 'A') return '^'; // no `m` flag is ever set, so ^ and $ are text anchors
      if (c === 'z') return '$';
      if (c === 'Q') {
        // Literal text up to \E; no group, as in Go a following `*` repeats only the last character.
        let out = '';
        while (this.i < this.cs.length && !(this.cs[this.i] === '\\' && this.cs[this.i + 1] === 'E')) out += literal((this.cs[this.i++] as string).codePointAt(0) as number, false);
        if (this.i < this.cs.length) this.i += 2;
        return out;
      }
    }
    return this.fail(`invalid escape sequence \\${c}`);
  }

  private hexEscape(): number {
    if (this.cs[this.i] === '{') {
      const end = this.cs.indexOf('}', this.i);
      const hex = end < 0 ? '' : this.cs.slice(this.i + 1, end).join('');
      if (!/^[0-9a-fA-F]+$/.test(hex) || parseInt(hex, 16) > 0x10ffff) this.fail('invalid escape sequence \\x{');
      this.i = end + 1;
      return parseInt(hex, 16);
    }
    if (!isHex(this.cs[this.i]) || !isHex(this.cs[this.i + 1])) this.fail('invalid escape sequence \\x');
    this.i += 2;
    return parseInt(this.cs.slice(this.i - 2, this.i).join(''), 16);
  }

  /** `\pL`, `\p{Greek}`, `\p{^Lu}`: Go names general categories and scripts alike; JavaScript wants `Script=`. */
  private unicodeClass(negated: boolean): string {
    let name: string;
    if (this.cs[this.i] === '{') {
      const end = this.cs.indexOf('}', this.i);
      if (end < 0) this.fail('invalid character class range \\p{');
      name = this.cs.slice(this.i + 1, end).join('');
      this.i = end + 1;
    } else {
      name = this.cs[this.i++] ?? '';
    }
    if (name.startsWith('^')) [negated, name] = [!negated, name.slice(1)];
    if (!/^[A-Za-z_]+$/.test(name)) this.fail(`invalid character class range \\p{${name}}`);
    const property = name === 'Any' || isGeneralCategory(name) ? name : `Script=${name}`;
    return `\\${negated ? 'P' : 'p'}{${property}}`;
  }

  /** `[...]` with Go's rules: a leading `]` is literal, `[:alpha:]` is POSIX, ranges are code points. */
  private charClass(): string {
    let out = '[';
    if (this.cs[this.i] === '^') {
      out += '^';
      this.i++;
    }
    let first = true;
    for (;;) {
      const c = this.cs[this.i];
      if (c === undefined) return this.fail('missing closing ]');
      if (c === ']' && !first) break;
      first = false;
      if (c === '[' && this.cs[this.i + 1] === ':') {
        const rest = this.cs.slice(this.i + 2).join('');
        const end = rest.indexOf(':]');
        if (end >= 0) {
          let name = rest.slice(0, end);
          const negated = name.startsWith('^');
          if (negated) name = name.slice(1);
          if (!Object.hasOwn(POSIX, name)) this.fail(`invalid character class range [:${rest.slice(0, end)}:]`);
          const ranges = POSIX[name] as Range[];
          out += classBody(negated ? complement(ranges) : ranges);
          this.i += 2 + [...rest.slice(0, end)].length + 2;
          continue;
        }
      }
      const lo = this.classChar();
      if (typeof lo === 'string') {
        out += lo; // a class escape such as \d or \pL
        continue;
      }
      let hi = lo;
      if (this.cs[this.i] === '-' && this.cs[this.i + 1] !== ']' && this.cs[this.i + 1] !== undefined) {
        this.i++;
        const end = this.classChar();
        if (typeof end === 'string') return this.fail('invalid character class range');
        hi = end;
        if (hi < lo) this.fail(`invalid character class range ${String.fromCodePoint(lo)}-${String.fromCodePoint(hi)}`);
      }
      out += classBody([[lo, hi]]);
    }
    this.i++;
    return `${out}]`;
  }

  /** One class member: a code point, or JavaScript text for a class escape such as \\d or \\pL. */
  private classChar(): number | string {
    const c = this.cs[this.i++] as string;
    return c === '\\' ? this.escape(true) : (c.codePointAt(0) as number);
  }
}

/** Compiles a Go-syntax relabel regex, fully anchored as Prometheus does. Throws GoRegexError. */
export function compileGoRegex(source: string): RegExp {
  const t = new Translator(source);
  const body = t.translate();
  try {
    return new RegExp(`^(?:${body})$`, `u${t.flags.i ? 'i' : ''}${t.flags.s ? 's' : ''}`);
  } catch (err) {
    throw new GoRegexError(`invalid regex ${JSON.stringify(source)}: ${(err as Error).message}`);
  }
}

/**
 * A Go-syntax regex that matches anywhere in a string, as Go's regexp.MatchString and ReplaceAllString do (alert
 * templates' `match` and `reReplaceAll`). `g` for replacing every match. Throws GoRegexError.
 */
export function compileGoRegexUnanchored(source: string, global = false): RegExp {
  const t = new Translator(source);
  const body = t.translate();
  try {
    return new RegExp(body, `u${global ? 'g' : ''}${t.flags.i ? 'i' : ''}${t.flags.s ? 's' : ''}`);
  } catch (err) {
    throw new GoRegexError(`invalid regex ${JSON.stringify(source)}: ${(err as Error).message}`);
  }
}

/**
 * Go's Regexp.Expand: `$name` or `${name}` where name is letters, digits and `_`, taken as long as possible
 * (`$1x` is the group named "1x", not group 1 then "x"); all-digit names without a leading zero are group
 * numbers; unknown or non-participating groups give ""; `$$` is `$`; a malformed `$` stays literal.
 */
export function expandTemplate(template: string, match: RegExpExecArray): string {
  let out = '';
  let rest = template;
  for (let at = rest.indexOf('$'); at >= 0; at = rest.indexOf('$')) {
    out += rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (rest.startsWith('$')) {
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    const m = /^(?:\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))/u.exec(rest);
    if (!m) {
      out += '$';
      continue;
    }
    rest = rest.slice(m[0].length);
    const name = (m[1] ?? m[2]) as string;
    if (/^(0|[1-9][0-9]{0,8})$/.test(name)) {
      out += match[Number(name)] ?? ''; // Go stops counting at 1e8; such groups cannot exist anyway
    } else if (match.groups !== undefined && Object.hasOwn(match.groups, name)) {
      out += match.groups[name] ?? '';
    }
  }
  return out + rest;
}
