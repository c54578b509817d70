// Where a PromQL syntax error is. The API says it the way Prometheus does:
//   invalid parameter "query": 2:6: parse error: unclosed left parenthesis
// line and column 1-based, the column counted in bytes of UTF-8. No DOM: tested in Node.

const POSITIONED = /^(?:invalid parameter "query": )?(\d+):(\d+): parse error: (.*)$/s;
const encoder = new TextEncoder();

/** { line, column, message } from an API error message; undefined when it names no position. */
export function parseErrorPosition(error) {
  const m = POSITIONED.exec(String(error));
  return m ? { line: Number(m[1]), column: Number(m[2]), message: m[3] } : undefined;
}

/**
 * The error's place in the query: the text of its line, the character index in that line (a byte column turned
 * into a JavaScript string index, so "ä" counts once) and the index in the whole query (for selecting it in the
 * input). An index at the end of the line means "here something is missing".
 */
export function locate(query, line, column) {
  const lines = String(query).split('\n');
  const lineIndex = Math.min(Math.max(line, 1), lines.length) - 1;
  const text = lines[lineIndex];
  let bytes = 0;
  let char = 0;
  while (char < text.length && bytes < column - 1) {
    const cp = text.codePointAt(char);
    bytes += encoder.encode(String.fromCodePoint(cp)).length;
    char += cp > 0xffff ? 2 : 1;
  }
  let offset = char;
  for (let i = 0; i < lineIndex; i++) offset += lines[i].length + 1;
  return { lineText: text, lineNumber: lineIndex + 1, char, offset };
}
