import type { Command, ControlNode, Node, Operand, Pipe } from './parse.ts';
import { TemplateError } from './lex.ts';
import { formatV, goTypeName, GoMap, GoStruct, isTrue, type GoValue } from './go-values.ts';

/** An argument a function receives: evaluated, except for `and`/`or`, which evaluate theirs only as needed. */
export type LazyArg = () => GoValue;

export interface TemplateFunc {
  /** Fixed parameter count, or the minimum when `variadic`. */
  readonly arity: number;
  readonly variadic?: boolean;
  /** The Go type each parameter demands, checked before the call as Go's reflection does; default: any. */
  readonly params?: readonly ('string' | 'sample' | 'any')[];
  /** When true the function gets thunks and evaluates what it needs (Go's short-circuit `and`/`or`). */
  readonly lazy?: boolean;
  call(args: GoValue[] | LazyArg[]): GoValue;
}

export type FuncMap = ReadonlyMap<string, TemplateFunc>;

class Break {}
class Continue {}

/** Runs a parsed template against `data` and returns its text; throws TemplateError worded as Go's. */
export function executeTemplate(name: string, nodes: readonly Node[], data: GoValue, funcs: FuncMap): string {
  let out = '';
  const vars: { name: string; value: GoValue }[] = [{ name: '$', value: data }];
  let at: Command | undefined;

  const fail = (msg: string): never => {
    const where = at ? `${at.line}: executing "${name}" at <${at.text}>` : `1: executing "${name}"`;
    throw new TemplateError(`template: ${name}:${where}: ${msg}`);
  };
  const lookup = (v: string): GoValue => {
    for (let i = vars.length - 1; i >= 0; i--) if (vars[i]?.name === v) return (vars[i] as { value: GoValue }).value;
    return fail(`undefined variable: ${v}`);
  };
  const setVar = (v: string, value: GoValue) => {
    for (let i = vars.length - 1; i >= 0; i--) {
      const entry = vars[i] as { name: string; value: GoValue };
      if (entry.name === v) {
        entry.value = value;
        return;
      }
    }
    fail(`undefined variable: ${v}`);
  };

  function field(receiver: GoValue, name: string, hasArgs: boolean): GoValue {
    if (receiver instanceof GoStruct) {
      if (!receiver.fields.has(name)) fail(`can't evaluate field ${name} in type ${receiver.type}`);
      if (hasArgs) fail(`${name} has arguments but cannot be invoked as function`);
      return receiver.fields.get(name) as GoValue;
    }
    if (receiver instanceof GoMap) {
      if (hasArgs) fail(`${name} is not a method but has arguments`);
      return receiver.entries.has(name) ? (receiver.entries.get(name) as GoValue) : receiver.zero;
    }
    if (receiver === null) return fail(`nil pointer evaluating interface {}.${name}`);
    return fail(`can't evaluate field ${name} in type ${goTypeName(receiver)}`);
  }

  function fields(receiver: GoValue, names: readonly string[], hasArgs: boolean): GoValue {
    let v = receiver;
    names.forEach((n, i) => (v = field(v, n, hasArgs && i === names.length - 1)));
    return v;
  }

  function arg(dot: GoValue, op: Operand): GoValue {
    switch (op.kind) {
      case 'dot':
        return dot;
      case 'nil':
        return null;
      case 'bool':
      case 'string':
      case 'number':
        return op.value;
      case 'field':
        return fields(dot, op.names, false);
      case 'variable':
        return fields(lookup(op.name), op.fields, false);
      case 'chain':
        return fields(pipeline(dot, op.pipe), op.fields, false);
      case 'function':
        return call(dot, op.name, [], undefined);
    }
  }

  function call(dot: GoValue, name: string, args: readonly Operand[], final: GoValue | undefined): GoValue {
    const f = funcs.get(name) as TemplateFunc;
    const n = args.length + (final === undefined ? 0 : 1);
    if (f.variadic ? n < f.arity : n !== f.arity) fail(`wrong number of args for ${name}: want ${f.variadic ? 'at least ' : ''}${f.arity} got ${n}`);
    const thunks: LazyArg[] = args.map((a) => () => arg(dot, a));
    if (final !== undefined) thunks.push(() => final);
    if (f.lazy) return guarded(name, () => f.call(thunks));
    const values = thunks.map((t) => t());
    values.forEach((v, i) => {
      const want = f.params?.[i] ?? 'any';
      if (want === 'string' && typeof v !== 'string') fail(`wrong type for value; expected string; got ${goTypeName(v)}`);
      if (want === 'sample' && !(v instanceof GoStruct && v.pointer)) fail(`wrong type for value; expected *template.sample; got ${goTypeName(v)}`);
    });
    return guarded(name, () => f.call(values));
  }

  function guarded(name: string, run: () => GoValue): GoValue {
    try {
      return run();
    } catch (err) {
      if (err instanceof TemplateError) throw err;
      return fail(`error calling ${name}: ${(err as Error).message}`);
    }
  }

  function command(dot: GoValue, cmd: Command, final: GoValue | undefined): GoValue {
    at = cmd;
    const [first, ...rest] = cmd.args as [Operand, ...Operand[]];
    const hasArgs = rest.length > 0 || final !== undefined;
    switch (first.kind) {
      case 'function':
        return call(dot, first.name, rest, final);
      case 'field':
        return fields(dot, first.names, hasArgs);
      case 'variable':
        if (hasArgs && first.fields.length === 0) fail(`can't give argument to non-function ${first.name}`);
        return fields(lookup(first.name), first.fields, hasArgs);
      case 'chain':
        if (hasArgs && first.fields.length === 0) fail(`can't give argument to non-function ${cmd.text}`);
        return fields(pipeline(dot, first.pipe), first.fields, hasArgs);
      default:
        if (hasArgs) fail(`can't give argument to non-function ${cmd.text}`);
        return arg(dot, first);
    }
  }

  function pipeline(dot: GoValue, pipe: Pipe): GoValue {
    let value: GoValue | undefined;
    for (const cmd of pipe.cmds) value = command(dot, cmd, value);
    const result = value as GoValue;
    for (const name of pipe.decl) {
      if (pipe.isAssign) setVar(name, result);
      else vars.push({ name, value: result });
    }
    return result;
  }

  function walk(dot: GoValue, nodes: readonly Node[]): void {
    for (const node of nodes) {
      switch (node.kind) {
        case 'text':
          out += node.text;
          break;
        case 'action': {
          const v = pipeline(dot, node.pipe);
          if (node.pipe.decl.length === 0) out += v === null ? '<no value>' : formatV(v);
          break;
        }
        case 'break':
          throw new Break();
        case 'continue':
          throw new Continue();
        default:
          control(dot, node);
      }
    }
  }

  function control(dot: GoValue, node: ControlNode): void {
    const mark = vars.length;
    try {
      if (node.kind === 'range') return range(dot, node);
      const value = pipeline(dot, node.pipe);
      if (isTrue(value)) walk(node.kind === 'with' ? value : dot, node.list);
      else if (node.elseList) walk(dot, node.elseList);
    } finally {
      vars.length = mark;
    }
  }

  function range(dot: GoValue, node: ControlNode): void {
    // Declared variables get each element (and key or index), not the collection itself.
    const decl = node.pipe.decl;
    const collection = pipeline(dot, { ...node.pipe, decl: [] });
    const items: [GoValue, GoValue][] = [];
    if (Array.isArray(collection)) collection.forEach((v, i) => items.push([BigInt(i), v]));
    else if (collection instanceof GoMap) for (const k of [...collection.entries.keys()].sort()) items.push([k, collection.entries.get(k) as GoValue]);
    else if (collection !== null) fail(`range can't iterate over ${formatV(collection)}`);
    if (items.length === 0) {
      if (node.elseList) walk(dot, node.elseList);
      return;
    }
    const base = vars.length;
    for (const [key, value] of items) {
      vars.length = base;
      if (decl.length === 1) assignOrPush(decl[0] as string, value, node.pipe.isAssign);
      if (decl.length === 2) {
        assignOrPush(decl[0] as string, key, node.pipe.isAssign);
        assignOrPush(decl[1] as string, value, node.pipe.isAssign);
      }
      try {
        walk(value, node.list);
      } catch (signal) {
        if (signal instanceof Break) break;
        if (!(signal instanceof Continue)) throw signal;
      }
    }
  }

  function assignOrPush(name: string, value: GoValue, assign: boolean) {
    if (assign) setVar(name, value);
    else vars.push({ name, value });
  }

  walk(data, nodes);
  return out;
}
