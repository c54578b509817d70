// Case-insensitive flag groups inside a Go regex, `a(?i:b)c` or `a(?i)b`, which JavaScript (Node 20) cannot
// scope: the letters they cover are spelt out as classes, `a(?:[bB])c`, so the pattern keeps its meaning
// without the flag. Used by promql/matcher.ts when compileGoRegex refuses such a flag group.

const isCased = (ch: string) => ch.toLowerCase() !== ch.toUpperCase();

/** The other cases of a letter, as Go regex text. */
function otherCases(ch: string): string[] {
  return [...new Set([ch.toLowerCase(), ch.toUpperCase()])].filter((c) => c !== ch && [...c].length === 1);
}

const literal = (ch: string) => (/[\\\]\[^\-]/.test(ch) ? `\\${ch}` : ch);

/** A letter under (?i) outside a class: `[xX]`. */
const foldedLetter = (ch: string) => (isCased(ch) ? `[${[ch, ...otherCases(ch)].map(literal).join('')}]` : ch);

/**
 * Rewrites the i flag of every flag group as explicit letter classes. Other flags are kept as written, so a
 * pattern that changes them still gets refused by the translator. Returns the rewritten pattern.
 */
export function spellOutCaseFolding(src: string): string {
  const cs = [...src];
  let i = 0;
  let fold = false;
  const stack: boolean[] = [];
  let out = '';
  const escape = (inClass: boolean): { text: string; cp?: number } => {
    const start = i;
    i++; // the backslash
    const c = cs[i++] ?? '';
    if (c === 'Q' && !inClass) {
      let text = '';
      while (i < cs.length && !(cs[i] === '\\' && cs[i + 1] === 'E')) {
        const ch = cs[i++] as string;
        text += fold ? foldedLetter(ch) : /[\\.+*?()|[\]{}^$]/.test(ch) ? `\\${ch}` : ch;
      }
      if (i < cs.length) i += 2;
      return { text };
    }
    if ((c === 'p' || c === 'P' || c === 'x') && cs[i] === '{') {
      while (i < cs.length && cs[i] !== '}') i++;
      i++;
    } else if (c === 'p' || c === 'P') i++;
    else if (c === 'x') i += 2;
    const text = cs.slice(start, i).join('');
    return /^[^0-9A-Za-z]$/.test(c) ? { text, cp: c.codePointAt(0) as number } : { text };
  };

  const charClass = () => {
    let body = '';
    const extra: string[] = [];
    i++; // [
    if (cs[i] === '^') body += cs[i++];
    let first = true;
    while (i < cs.length && (cs[i] !== ']' || first)) {
      first = false;
      if (cs[i] === '[' && cs[i + 1] === ':') {
        const end = cs.indexOf(']', i + 2);
        body += cs.slice(i, end + 1).join('');
        i = end + 1;
        continue;
      }
      const lo = cs[i] === '\\' ? escape(true) : { text: cs[i] as string, cp: (cs[i++] as string).codePointAt(0) as number };
      body += lo.text;
      if (cs[i] === '-' && cs[i + 1] !== ']' && cs[i + 1] !== undefined) {
        i++;
        const hi = cs[i] === '\\' ? escape(true) : { text: cs[i] as string, cp: (cs[i++] as string).codePointAt(0) as number };
        body += `-${hi.text}`;
        if (fold && lo.cp !== undefined && hi.cp !== undefined) extra.push(...rangeCases(lo.cp, hi.cp));
      } else if (fold && lo.cp !== undefined) {
        extra.push(...otherCases(String.fromCodePoint(lo.cp)).map(literal));
      }
    }
    i++; // ]
    return `[${body}${extra.join('')}]`;
  };

  while (i < cs.length) {
    const c = cs[i] as string;
    if (c === '\\') out += escape(false).text;
    else if (c === '[') out += charClass();
    else if (c === '(') {
      stack.push(fold);
      const ahead = cs.slice(i, i + 300).join('');
      const named = /^\(\?P?<[^>=!]*>/.exec(ahead);
      const flags = /^\(\?([imsU]*)(?:-([imsU]*))?([:)])/.exec(ahead);
      if (named) {
        out += named[0];
        i += [...named[0]].length;
        continue;
      }
      if (!flags) {
        out += c;
        i++;
        continue;
      }
      const [whole, on = '', off = '', end] = flags;
      const folds: boolean = on.includes('i') ? true : off.includes('i') ? false : fold;
      const keptOn = on.replace('i', '');
      const keptOff = off.replace('i', '');
      const kept = `${keptOn}${keptOff ? `-${keptOff}` : ''}`;
      i += whole.length;
      if (end === ':') {
        fold = folds;
        out += `(?${kept}:`;
      } else {
        stack.pop(); // (?flags) opens no group; it changes the rest of the enclosing one
        fold = folds;
        if (kept) out += `(?${kept})`;
      }
    } else if (c === ')') {
      fold = stack.pop() ?? false;
      out += c;
      i++;
    } else {
      out += fold ? foldedLetter(c) : c;
      i++;
    }
  }
  return out;
}

/** Letters of the other case within lo..hi, as class text. */
function rangeCases(lo: number, hi: number): string[] {
  const out: string[] = [];
  const overlap = (a: number, b: number, shift: number) => {
    const from = Math.max(lo, a);
    const to = Math.min(hi, b);
    if (from <= to) out.push(`${String.fromCodePoint(from + shift)}-${String.fromCodePoint(to + shift)}`);
  };
  overlap(0x61, 0x7a, -0x20); // a-z → A-Z
  overlap(0x41, 0x5a, 0x20); // A-Z → a-z
  if (hi - lo < 256) {
    for (let cp = Math.max(lo, 0x80); cp <= hi; cp++) out.push(...otherCases(String.fromCodePoint(cp)).map(literal));
  }
  return out;
}
