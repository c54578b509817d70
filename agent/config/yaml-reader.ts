import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { parseDurationMs } from '../../promql/duration.ts';

/** A configuration mistake, located: `agent.yaml:12: scrape_configs[0].scrape_intervall: unknown key`. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${path ? `${path}: ` : ''}${problem}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads typed values out of a parsed YAML document and reports every mistake with its file, line and key path.
 * Every `map` call names the keys it accepts, so a misspelt key stops start-up instead of being ignored.
 */
export class YamlReader {
  private constructor(
    readonly file: string,
    private readonly lines: LineCounter,
    readonly root: Node | null,
  ) {}

  static parse(file: string, text: string): YamlReader {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
    const first = doc.errors[0];
    if (first) throw new ConfigError(file, lines.linePos(first.pos[0]).line, '', `invalid YAML: ${first.message.split('\n')[0]}`);
    return new YamlReader(file, lines, (doc.contents as Node | null) ?? null);
  }

  error(node: Node | null | undefined, path: string, problem: string): ConfigError {
    const pos = node?.range?.[0];
    return new ConfigError(this.file, pos === undefined ? undefined : this.lines.linePos(pos).line, path, problem);
  }

  /** The entries of a mapping; unknown keys are an error. A missing (null) node is an empty mapping. */
  map(node: Node | null | undefined, path: string, allowed: readonly string[]): Map<string, Node | null> {
    const out = new Map<string, Node | null>();
    if (node == null || (isScalar(node) && node.value === null)) return out;
    if (!isMap(node)) throw this.error(node, path, 'expected a mapping of key: value');
    for (const pair of node.items) {
      const keyNode = pair.key as Node;
      const key = isScalar(keyNode) ? String(keyNode.value) : '';
      const at = path ? `${path}.${key}` : key;
      if (!allowed.includes(key)) {
        const hint = allowed.find((a) => closeEnough(a, key));
        throw this.error(keyNode, at, `unknown key${hint ? ` (did you mean ${hint}?)` : ''}; allowed here: ${allowed.join(', ')}`);
      }
      out.set(key, (pair.value as Node | null) ?? null);
    }
    return out;
  }

  list(node: Node | null | undefined, path: string): (Node | null)[] {
    if (node == null || (isScalar(node) && node.value === null)) return [];
    if (!isSeq(node)) throw this.error(node, path, 'expected a list');
    return node.items as (Node | null)[];
  }

  string(node: Node | null | undefined, path: string): string {
    if (!isScalar(node) || (typeof node.value !== 'string' && typeof node.value !== 'number')) {
      throw this.error(node, path, 'expected a string');
    }
    return String(node.value);
  }

  boolean(node: Node | null | undefined, path: string): boolean {
    if (!isScalar(node) || typeof node.value !== 'boolean') throw this.error(node, path, 'expected true or false');
    return node.value;
  }

  count(node: Node | null | undefined, path: string, min = 0): number {
    if (!isScalar(node) || typeof node.value !== 'number' || !Number.isInteger(node.value) || node.value < min) {
      throw this.error(node, path, `expected a whole number of ${min} or more`);
    }
    return node.value;
  }

  /** A Prometheus duration (`15s`, `1m30s`), in ms. */
  duration(node: Node | null | undefined, path: string): number {
    const text = isScalar(node) ? String(node.value) : '';
    const ms = parseDurationMs(text);
    if (ms === undefined) throw this.error(node, path, `expected a duration such as 15s or 1m, got ${JSON.stringify(text)}`);
    return ms;
  }

  /** A mapping of string to string, e.g. labels or params (params values may be lists, joined by the caller). */
  stringMap(node: Node | null | undefined, path: string): Record<string, string> {
    if (node == null || (isScalar(node) && node.value === null)) return {};
    if (!isMap(node)) throw this.error(node, path, 'expected a mapping of name: value');
    const out: Record<string, string> = {};
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      out[key] = this.string(pair.value as Node, `${path}.${key}`);
    }
    return out;
  }

  /** The plain JavaScript value of a node, for parts validated elsewhere (e.g. relabel rules). */
  plain(node: Node | null | undefined): unknown {
    return node == null ? undefined : (node as Node & { toJSON(): unknown }).toJSON();
  }
}

/** One edit apart, for "did you mean" hints on misspelt keys. */
function closeEnough(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1 || a === b) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return a.slice(i + 1) === b.slice(i + 1) || a.slice(i) === b.slice(i + 1) || a.slice(i + 1) === b.slice(i);
}
