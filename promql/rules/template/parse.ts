import { lex, TemplateError, type Token } from './lex.ts';

/** The parse tree of a template, the subset of Go's text/template/parse that alert templates use. */
export type Node =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'action'; readonly line: number; readonly pipe: Pipe }
  | ControlNode
  | { readonly kind: 'break' | 'continue'; readonly line: number };

export interface ControlNode {
  readonly kind: 'if' | 'with' | 'range';
  readonly line: number;
  readonly pipe: Pipe;
  readonly list: readonly Node[];
  readonly elseList?: readonly Node[];
}

export interface Pipe {
  readonly line: number;
  /** Variables declared (`$x :=`) or assigned (`$x =`) by the pipeline; two only in `range $i, $e :=`. */
  readonly decl: readonly string[];
  readonly isAssign: boolean;
  readonly cmds: readonly Command[];
}

export interface Command {
  readonly line: number;
  readonly args: readonly Operand[];
  /** The source text of the command, for error messages (`<humanize "x">`). */
  readonly text: string;
}

export type Operand =
  | { readonly kind: 'function'; readonly name: string }
  | { readonly kind: 'dot' }
  | { readonly kind: 'nil' }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly text: string; readonly value: number | bigint }
  | { readonly kind: 'field'; readonly names: readonly string[] }
  | { readonly kind: 'variable'; readonly name: string; readonly fields: readonly string[] }
  | { readonly kind: 'chain'; readonly pipe: Pipe; readonly fields: readonly string[] };

/** Go features parsed by text/template that alert templates have no use for: refused at load, by name. */
const UNSUPPORTED = new Set(['define', 'template', 'block']);

/**
 * Parses a template, checking what Go checks at parse time: every function is known (`funcs`), every variable
 * declared before use, every block closed. Throws TemplateError worded as Go's (`template: NAME:LINE: …`).
 */
export function parseTemplate(name: string, text: string, funcs: ReadonlySet<string>): Node[] {
  const tokens = lex(name, text);
  let pos = 0;
  const vars: string[] = ['$'];
  let rangeDepth = 0;
  const fail = (line: number, msg: string): never => {
    throw new TemplateError(`template: ${name}:${line}: ${msg}`);
  };
  const peek = (): Token | undefined => tokens[pos];
  const next = (): Token => {
    const t = tokens[pos++];
    if (!t) throw new TemplateError(`template: ${name}: unexpected EOF`);
    return t;
  };
  const peekNonSpace = (): Token | undefined => {
    while (peek()?.kind === 'space') pos++;
    return peek();
  };

  /** Nodes up to {{end}} / {{else}} (returned as the terminator) or the end of input. */
  function list(inControl: boolean): { nodes: Node[]; end?: 'end' | 'else'; line?: number } {
    const nodes: Node[] = [];
    while (pos < tokens.length) {
      const t = next();
      if (t.kind === 'text') {
        nodes.push({ kind: 'text', text: t.text });
        continue;
      }
      const head = peekNonSpace();
      if (head?.kind === 'keyword') {
        pos++;
        switch (head.text) {
          case 'end':
          case 'else':
            if (!inControl) fail(head.line, `unexpected {{${head.text}}}`);
            if (head.text === 'end') expectClose('end');
            return { nodes, end: head.text, line: head.line };
          case 'if':
          case 'with':
          case 'range':
            nodes.push(control(head.text, head.line));
            continue;
          case 'break':
          case 'continue':
            if (rangeDepth === 0) fail(head.line, `{{${head.text}}} outside {{range}}`);
            expectClose(head.text);
            nodes.push({ kind: head.text, line: head.line });
            continue;
          default:
            if (UNSUPPORTED.has(head.text)) {
              fail(head.line, `{{${head.text}}} is not supported in Outpost's alert templates (only if, else, range, with, break, continue and pipelines)`);
            }
        }
      }
      nodes.push({ kind: 'action', line: t.line, pipe: pipeline('command', false) });
    }
    if (inControl) fail(tokens[tokens.length - 1]?.line ?? 1, 'unexpected EOF');
    return { nodes };
  }

  function expectClose(context: string) {
    const t = peekNonSpace();
    if (t?.kind !== 'close') fail(t?.line ?? 1, `unexpected ${t ? JSON.stringify(t.text) : 'EOF'} in ${context}`);
    pos++;
  }

  function control(kind: 'if' | 'with' | 'range', line: number): ControlNode {
    const mark = vars.length;
    const pipe = pipeline(kind, kind === 'range');
    if (kind === 'range') rangeDepth++;
    const body = list(true);
    if (kind === 'range') rangeDepth--;
    let elseList: Node[] | undefined;
    if (body.end === 'else') {
      const after = peekNonSpace();
      // `{{else if …}}` and `{{else with …}}` open a nested block that shares this one's {{end}}.
      if (after?.kind === 'keyword' && (after.text === 'if' || after.text === 'with') && (kind === 'if' || kind === 'with') && after.text === kind) {
        pos++;
        elseList = [control(kind, after.line)];
      } else {
        expectClose('else');
        const rest = list(true);
        if (rest.end === 'else') fail(rest.line ?? line, 'expected end; found {{else}}');
        elseList = rest.nodes;
      }
    }
    vars.length = mark;
    return elseList === undefined ? { kind, line, pipe, list: body.nodes } : { kind, line, pipe, list: body.nodes, elseList };
  }

  function pipeline(context: string, allowTwo: boolean): Pipe {
    const start = peekNonSpace();
    const line = start?.line ?? 1;
    const decl: string[] = [];
    let isAssign = false;
    // Declarations: `$x :=`, `$x =`, and in range `$i, $e :=`.
    const save = pos;
    if (peekNonSpace()?.kind === 'variable') {
      const v = next();
      const after = peekNonSpace();
      if (after?.kind === 'declare' || after?.kind === 'assign') {
        pos++;
        decl.push(v.text);
        isAssign = after.kind === 'assign';
      } else if (after?.kind === 'comma' && allowTwo) {
        pos++;
        const second = peekNonSpace();
        if (second?.kind !== 'variable') fail(line, `range can only initialize variables`);
        pos++;
        const op = peekNonSpace();
        if (op?.kind !== 'declare' && op?.kind !== 'assign') fail(line, `expected := or = in range declaration`);
        pos++;
        decl.push(v.text, (second as Token).text);
        isAssign = (op as Token).kind === 'assign';
      } else {
        pos = save;
      }
    }
    for (const d of decl) {
      if (isAssign && !vars.includes(d)) fail(line, `undefined variable "${d}"`);
    }
    const cmds: Command[] = [];
    for (;;) {
      const t = peekNonSpace();
      if (!t) fail(line, `unclosed action`);
      if (t?.kind === 'close' || t?.kind === 'rparen') {
        if (t.kind === 'close') pos++;
        break;
      }
      cmds.push(command());
      const sep = peekNonSpace();
      if (sep?.kind === 'pipe') {
        pos++;
        if (['close', 'rparen'].includes(peekNonSpace()?.kind ?? '')) fail(sep.line, 'missing command after |');
      }
    }
    if (cmds.length === 0) fail(line, `missing value for ${context}`);
    // As Go: a later stage receives the previous result as its last argument, so it must be able to take one.
    cmds.forEach((c, i) => {
      const kind = c.args[0]?.kind ?? '';
      if (i > 0 && ['bool', 'dot', 'nil', 'number', 'string'].includes(kind)) fail(c.line, `non executable command in pipeline stage ${i + 1}`);
    });
    if (!isAssign) vars.push(...decl);
    return { line, decl, isAssign, cmds };
  }

  function command(): Command {
    const args: Operand[] = [];
    const first = peek();
    const line = first?.line ?? 1;
    const parts: string[] = [];
    for (;;) {
      const t = peekNonSpace();
      if (!t || t.kind === 'close' || t.kind === 'rparen' || t.kind === 'pipe') break;
      const startPos = pos;
      args.push(operand());
      parts.push(tokens.slice(startPos, pos).map((x) => x.text).join(''));
      const after = peek();
      if (after && after.kind !== 'space' && after.kind !== 'close' && after.kind !== 'rparen' && after.kind !== 'pipe') {
        fail(after.line, `unexpected ${JSON.stringify(after.text)} in operand`);
      }
    }
    if (args.length === 0) fail(line, 'empty command');
    if (args[0]?.kind === 'nil' && args.length === 1) fail(line, 'nil is not a command');
    return { line, args, text: parts.join(' ') };
  }

  function fieldsAfter(): string[] {
    const names: string[] = [];
    while (peek()?.kind === 'field') names.push(next().text.slice(1));
    return names;
  }

  function operand(): Operand {
    const t = next();
    switch (t.kind) {
      case 'identifier':
        if (!funcs.has(t.text)) fail(t.line, `function "${t.text}" not defined`);
        return { kind: 'function', name: t.text };
      case 'dot':
        return { kind: 'dot' };
      case 'nil':
        return { kind: 'nil' };
      case 'bool':
        return { kind: 'bool', value: t.text === 'true' };
      case 'string':
        return { kind: 'string', value: goUnquote(t, fail) };
      case 'rawString':
        return { kind: 'string', value: t.text.slice(1, -1) };
      case 'char': {
        const s = goUnquote({ ...t, text: `"${t.text.slice(1, -1)}"` }, fail);
        const cp = s.codePointAt(0);
        if (cp === undefined || [...s].length !== 1) fail(t.line, `malformed character constant: ${t.text}`);
        return { kind: 'number', text: t.text, value: BigInt(cp as number) };
      }
      case 'number':
        return { kind: 'number', text: t.text, value: numberValue(t, fail) };
      case 'field':
        return { kind: 'field', names: [t.text.slice(1), ...fieldsAfter()] };
      case 'variable':
        if (!vars.includes(t.text)) fail(t.line, `undefined variable "${t.text}"`);
        return { kind: 'variable', name: t.text, fields: fieldsAfter() };
      case 'lparen': {
        const pipe = pipeline('parenthesized pipeline', false);
        if (next().kind !== 'rparen') fail(t.line, 'unclosed left paren');
        return { kind: 'chain', pipe, fields: fieldsAfter() };
      }
      default:
        return fail(t.line, `unexpected ${JSON.stringify(t.text)} in operand`);
    }
  }

  return list(false).nodes;
}

/** Go's number constants: integers (decimal, hex, octal, binary) stay ints, anything with . or e is a float64. */
function numberValue(t: Token, fail: (line: number, msg: string) => never): number | bigint {
  const text = t.text.replace(/_/g, '');
  const negative = text.startsWith('-');
  const body = text.replace(/^[+-]/, '');
  if (/^0[xXbBoO]/.test(body) || /^[0-9]+$/.test(body)) {
    const v = BigInt(/^0[0-7]+$/.test(body) ? `0o${body.slice(1)}` : body);
    return negative ? -v : v;
  }
  const v = Number(body);
  if (Number.isNaN(v)) fail(t.line, `bad number syntax: ${JSON.stringify(t.text)}`);
  return negative ? -v : v;
}

/** Go's interpreted string literal: `\n`, `\t`, `\"`, `\\`, `\xNN`, `\uNNNN`, `\UNNNNNNNN`, octal `\NNN`. */
function goUnquote(t: Token, fail: (line: number, msg: string) => never): string {
  const body = t.text.slice(1, -1);
  const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i] ?? '';
    const hex = (n: number) => {
      const digits = body.slice(i + 1, i + 1 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(digits)) fail(t.line, `invalid syntax in ${t.text}`);
      i += n;
      return parseInt(digits, 16);
    };
    if (simple[e] !== undefined) out += simple[e];
    else if (e === 'x') out += String.fromCharCode(hex(2));
    else if (e === 'u') out += String.fromCodePoint(hex(4));
    else if (e === 'U') out += String.fromCodePoint(hex(8));
    else if (/[0-7]/.test(e) && /^[0-7]{3}$/.test(body.slice(i, i + 3))) {
      out += String.fromCharCode(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else fail(t.line, `invalid syntax in ${t.text}`);
  }
  return out;
}
