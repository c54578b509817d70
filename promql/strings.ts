/**
 * Unquotes a PromQL string literal with Go's rules (Prometheus' strutil.Unquote, like strconv.Unquote): in '…' and
 * "…" the escapes \a \b \f \n \r \t \v \\, the enclosing quote (\' only in '…', \" only in "…"), \xHH and octal
 * \OOO (one byte each, at most \377), \uHHHH and \UHHHHHHHH (a code point); no newline inside. `…` is raw: no
 * escapes, and it cannot contain a backtick. Throws Error('invalid syntax') otherwise.
 *
 * \x and octal escapes give bytes, so `"\xc3\xa9"` is "é"; bytes that are not UTF-8 become U+FFFD.
 */
export function unquote(literal: string): string {
  const fail = (): never => {
    throw new Error('invalid syntax');
  };
  const n = literal.length;
  const quote = literal[0];
  if (n < 2 || quote !== literal[n - 1]) fail();
  const body = literal.slice(1, -1);
  if (quote === '`') return body.includes('`') ? fail() : body;
  if (quote !== '"' && quote !== "'") fail();
  if (body.includes('\n')) fail();
  if (!body.includes('\\') && !body.includes(quote as string)) return body;

  const bytes: number[] = [];
  const encoder = new TextEncoder();
  const pushText = (s: string) => bytes.push(...encoder.encode(s));
  const hexValue = (s: string) => (/^[0-9a-fA-F]+$/.test(s) ? parseInt(s, 16) : fail());
  let i = 0;
  while (i < body.length) {
    const c = body[i] as string;
    if (c === quote) fail();
    if (c !== '\\') {
      const cp = body.codePointAt(i) as number;
      pushText(String.fromCodePoint(cp));
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const e = body[i + 1] ?? fail();
    i += 2;
    const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92 };
    if (Object.hasOwn(simple, e)) bytes.push(simple[e] as number);
    else if (e === 'x') {
      bytes.push(hexValue(body.slice(i, i + 2).padEnd(2, 'g')));
      i += 2;
    } else if (e === 'u' || e === 'U') {
      const len = e === 'u' ? 4 : 8;
      const v = hexValue(body.slice(i, i + len).padEnd(len, 'g'));
      if (v > 0x10ffff) fail();
      // Go encodes a surrogate code point as the replacement character.
      pushText(v >= 0xd800 && v < 0xe000 ? '\uFFFD' : String.fromCodePoint(v));
      i += len;
    } else if (e >= '0' && e <= '7') {
      const digits = e + body.slice(i, i + 2);
      if (!/^[0-7]{3}$/.test(digits)) fail();
      const v = parseInt(digits, 8);
      if (v > 255) fail();
      bytes.push(v);
      i += 2;
    } else if (e === quote) bytes.push(e.charCodeAt(0));
    else fail();
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}
