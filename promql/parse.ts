// The PromQL parser: the maintained lezer grammar gives the tree (precedence, associativity), a lexer that follows
// Prometheus' gives the tokens and lexical errors (parse-lex.ts), and the walk below builds promql/ast.ts nodes with
// the checks Prometheus' grammar actions make, in their order: children before parents, left to right, as an LR
// parser reduces. Type checks run afterwards over the finished tree (parse-check.ts), as in Prometheus.

import type { Tree } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import type { AggregateOp, AtModifier, BinaryOp, Expr, VectorMatching, VectorSelector } from './ast.ts';
import { parseError } from './errors.ts';
import { functionSignature } from './function-signatures.ts';
import { makeMatcher, type Matcher, type MatchType } from './matcher.ts';
import { checkExpr, type Meta, type MetaMap } from './parse-check.ts';
import { lex, tokensBetween, type Token } from './parse-lex.ts';
import { durationOutOfRange, goQuote, goRound, parseDurationSeconds, parseNumber, secondsToMs } from './parse-literals.ts';
import { sanitize, syntaxError } from './parse-syntax.ts';
import { normalize, nodes, plain, type Node } from './parse-tree.ts';
import { unquote } from './strings.ts';

export { exprType } from './parse-check.ts';

/**
 * Parses a PromQL expression as Prometheus 3.x does (with its experimental functions enabled, as its test suite
 * runs). Throws QueryError('bad_data') with Prometheus' message, `<line>:<col>: parse error: <message>`.
 */
export function parseExpr(input: string): Expr {
  const lexed = lex(input);
  if (!lexed.error && lexed.tokens.length === 1) throw parseError(input, 0, 'no expression found in input');
  const { text, calls } = sanitize(input, lexed.tokens);
  const tree = parser.parse(text);
  const errorPos = firstError(tree);
  const root = plain(tree.topNode).children[0];
  if (lexed.error || errorPos !== undefined || !root) throw syntaxError(input, lexed, errorPos);
  const builder = new Builder(input, lexed.tokens, calls);
  const expr = builder.expr(normalize(root, lexed.tokens));
  checkExpr(input, expr, builder.meta);
  return expr;
}

function firstError(tree: Tree): number | undefined {
  let at: number | undefined;
  tree.iterate({
    enter(node) {
      if (at !== undefined) return false;
      if (node.type.isError) at = node.from;
      return undefined;
    },
  });
  return at;
}

const BINARY_OPS: Record<string, BinaryOp> = {
  Add: '+', Sub: '-', Mul: '*', Div: '/', Mod: '%', Pow: '^', Atan2: 'atan2',
  Eql: '==', Neq: '!=', Gtr: '>', Lss: '<', Gte: '>=', Lte: '<=', And: 'and', Or: 'or', Unless: 'unless',
};
const MATCH_OPS: Record<string, MatchType> = { EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' };
const WITH_PARAM = new Set<AggregateOp>(['topk', 'bottomk', 'quantile', 'count_values', 'limitk', 'limit_ratio']);
const EXPERIMENTAL_DURATION = 'experimental duration expression is not enabled';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Go's %f, as in "timestamp out of bounds for @ modifier: +Inf". */
function goFloatF(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  return Math.abs(v) < 1e21 ? v.toFixed(6) : `${BigInt(v)}.000000`;
}

class Builder {
  readonly meta: MetaMap = new Map();

  constructor(
    private readonly input: string,
    private readonly tokens: readonly Token[],
    private readonly calls: ReadonlyMap<number, string>,
  ) {}

  private fail(pos: number, message: string): never {
    throw parseError(this.input, pos, message);
  }
  private text(n: Node): string {
    return this.input.slice(n.from, n.to);
  }
  /** Records where `e` starts, on the node itself (for annotations) and in the parser's own notes. */
  private note<T extends Expr>(e: T, pos: number, extra: Omit<Meta, 'pos'> = {}): T {
    (e as Mutable<Expr>).pos = pos;
    this.meta.set(e, { pos, ...extra });
    return e;
  }
  private metaOf(e: Expr): Meta {
    return this.meta.get(e) as Meta;
  }

  expr(n: Node): Expr {
    const c = nodes(n);
    switch (n.name) {
      case 'ParenExpr':
        return this.note({ kind: 'paren', expr: this.expr(c[0] as Node) }, n.from);
      case 'NumberDurationLiteral': {
        const value = this.literal(n.from, n.to);
        const written = tokensBetween(this.tokens, n.from, n.to).at(-1);
        return this.note({ kind: 'number', value, ...(written?.type === 'DURATION' ? { duration: true } : {}) }, n.from);
      }
      case 'StringLiteral':
        return this.note({ kind: 'string', value: this.string(n) }, n.from);
      case 'VectorSelector':
        return this.vectorSelector(n);
      case 'MatrixSelector':
        return this.matrixSelector(n, c);
      case 'SubqueryExpr': {
        const inner = this.expr(c[0] as Node);
        const rangeMs = this.positiveDuration(c[1] as Node);
        const stepMs = c[2] ? this.positiveDuration(c[2]) : undefined;
        return this.note({ kind: 'subquery', expr: inner, rangeMs, ...(stepMs === undefined ? {} : { stepMs }), offsetMs: 0 }, n.from);
      }
      case 'OffsetExpr':
        return this.offset(this.expr(c[0] as Node), c[2] as Node);
      case 'StepInvariantExpr':
        return this.at(this.expr(c[0] as Node), c[2] as Node);
      case 'UnaryExpr': {
        const op = this.text(c[0] as Node) as '-' | '+';
        const inner = this.expr(c[1] as Node);
        // Prometheus folds a sign into a number literal: -1 is the number -1, not a unary expression.
        if (inner.kind === 'number') return this.note({ ...inner, value: op === '-' ? -inner.value : inner.value }, n.from);
        return this.note({ kind: 'unary', op, expr: inner }, n.from);
      }
      case 'BinaryExpr':
        return this.binary(c);
      case 'AggregateExpr':
        return this.aggregate(n, c);
      case 'FunctionCall': {
        const id = c[0] as Node;
        const func = this.calls.get(id.from) ?? this.text(id);
        const args = nodes(c[1] as Node).map((a) => this.expr(a));
        const call = this.note({ kind: 'call', func, args }, n.from);
        if (!functionSignature(func)) this.fail(id.from, `unknown function with name ${goQuote(func)}`);
        return call;
      }
      case 'AnchoredExpr':
      case 'SmoothedExpr': {
        const inner = this.expr(c[0] as Node);
        const which = n.name === 'AnchoredExpr' ? 'anchored' : 'smoothed';
        return this.fail(this.metaOf(inner).pos, `${which} modifier is experimental and not enabled`);
      }
    }
    return this.fail(n.from, `unexpected ${n.name} in expression`);
  }

  /** A NUMBER or DURATION token with its sign, if any (an @ timestamp's); durations in seconds. */
  private literal(from: number, to: number): number {
    const ts = tokensBetween(this.tokens, from, to);
    const tok = ts[ts.length - 1] as Token;
    const parsed = tok.type === 'DURATION' ? parseDurationSeconds(tok.text) : parseNumber(tok.text);
    if (typeof parsed !== 'number') return this.fail(tok.pos, parsed.error);
    return ts[0]?.type === 'SUB' ? -parsed : parsed;
  }

  private string(n: Node): string {
    try {
      return unquote(this.text(n));
    } catch (err) {
      return this.fail(n.from, `error unquoting string ${goQuote(this.text(n))}: ${(err as Error).message}`);
    }
  }

  private labelName(n: Node): string {
    return n.name === 'LabelName' ? this.text(n) : this.string(n.children[0] ?? n);
  }

  private vectorSelector(n: Node): VectorSelector {
    let outside: string | undefined;
    let inside: string | undefined;
    const matchers: Matcher[] = [];
    for (const child of nodes(n)) {
      if (child.name === 'Identifier') outside = this.text(child);
      if (child.name !== 'LabelMatchers') continue;
      for (const m of nodes(child)) {
        if (m.name === 'QuotedLabelName') {
          const name = this.labelName(m);
          inside ??= name;
          matchers.push(makeMatcher('=', '__name__', name));
          continue;
        }
        const [nameNode, opNode, valueNode] = nodes(m) as [Node, Node, Node];
        const label = this.labelName(nameNode);
        const type = MATCH_OPS[opNode.children[0]?.name ?? ''] as MatchType;
        const value = this.string(valueNode);
        try {
          matchers.push(makeMatcher(type, label, value));
        } catch (err) {
          const detail = (err as Error).message.replace(/^invalid regex "(?:[^"\\]|\\.)*": /, '');
          this.fail(nameNode.from, `invalid regular expression ${goQuote(value)}: ${detail}`);
        }
      }
    }
    if (outside !== undefined) matchers.unshift(makeMatcher('=', '__name__', outside));
    const name = outside ?? inside;
    const named = name === undefined ? {} : { name, ...(outside === undefined ? { nameInBraces: true } : {}) };
    const vs: VectorSelector = { kind: 'vector_selector', ...named, matchers, offsetMs: 0 };
    return this.note(vs, n.from, { nameOutside: outside !== undefined });
  }

  private matrixSelector(n: Node, c: readonly Node[]): Expr {
    const inner = this.expr(c[0] as Node);
    const rangeMs = this.positiveDuration(c[1] as Node);
    const bracket = this.tokens.find((t) => t.type === 'LEFT_BRACKET' && t.pos >= (c[0] as Node).to) as Token;
    if (inner.kind !== 'vector_selector') return this.fail(bracket.pos, 'ranges only allowed for vector selectors');
    if (this.metaOf(inner).offsetSet) return this.fail(bracket.pos, 'no offset modifiers allowed before range');
    if (inner.at) return this.fail(bracket.pos, 'no @ modifiers allowed before range');
    return this.note({ kind: 'matrix_selector', selector: inner, rangeMs }, n.from);
  }

  /** The selector or subquery that offset and @ apply to: a matrix selector's lives inside it. */
  private target(e: Expr, what: 'offset' | '@'): Mutable<VectorSelector> | Mutable<Extract<Expr, { kind: 'subquery' }>> {
    if (e.kind === 'vector_selector' || e.kind === 'subquery') return e;
    if (e.kind === 'matrix_selector') return e.selector;
    const modifier = what === 'offset' ? 'offset modifier' : '@ modifier';
    return this.fail(this.metaOf(e).pos, `${modifier} must be preceded by an instant vector selector or range vector selector or a subquery`);
  }

  private offset(e: Expr, durationNode: Node): Expr {
    const { value } = this.duration(durationNode);
    const t = this.target(e, 'offset');
    const m = this.metaOf(t);
    if (m.offsetSet) this.fail(this.metaOf(e).pos, 'offset may not be set multiple times');
    t.offsetMs = secondsToMs(value);
    m.offsetSet = goRound(value * 1e9) !== 0;
    return e;
  }

  private at(e: Expr, n: Node): Expr {
    let at: AtModifier;
    if (n.name === 'AtModifierPreprocessors') {
      at = { kind: n.children[0]?.name === 'AtEnd' ? 'end' : 'start' };
    } else {
      const ts = this.literal(n.from, n.to);
      if (!Number.isFinite(ts) || ts >= 2 ** 63 || ts <= -(2 ** 63)) {
        this.fail(this.metaOf(e).pos, `timestamp out of bounds for @ modifier: ${goFloatF(ts)}`);
      }
      at = { kind: 'time', ms: goRound(ts * 1000) };
    }
    const t = this.target(e, '@');
    if (t.at) this.fail(this.metaOf(e).pos, '@ <timestamp> may not be set multiple times');
    t.at = at;
    return e;
  }

  /**
   * A range, step or offset in seconds. Only literals are accepted, optionally signed; duration arithmetic,
   * parentheses, step(), range(), min_of() and max_of() are Prometheus' experimental duration expressions.
   */
  private duration(n: Node, parenAllowed = false): { value: number; pos: number } {
    const c = nodes(n);
    const first = c[0] as Node;
    if (n.name === 'NumberDurationLiteralInDurationContext') {
      const value = this.literal(n.from, n.to);
      if (durationOutOfRange(value)) this.fail(n.from, 'duration out of range');
      return { value, pos: n.from };
    }
    if (c.length === 1 && first.name === 'NumberDurationLiteralInDurationContext') return this.duration(first);
    if (c.length === 1 && (first.name === 'DurationExpr' || first.name === 'OffsetDurationExpr')) {
      // `(…)`: Prometheus takes `offset -(5m)` without the experimental flag, but no other parentheses.
      const inner = this.duration(first);
      return parenAllowed ? inner : this.fail(inner.pos, EXPERIMENTAL_DURATION);
    }
    if (first.name === 'UnaryOp') {
      const inner = this.duration(c[1] as Node, n.name === 'OffsetDurationExpr');
      const value = this.text(first) === '-' ? -inner.value : inner.value;
      if (durationOutOfRange(value)) this.fail(n.from, 'duration out of range');
      return { value, pos: n.from };
    }
    if (c.length === 3 && first.name === n.name) {
      this.duration(first);
      this.duration(c[2] as Node);
      return this.fail(first.from, EXPERIMENTAL_DURATION);
    }
    for (const arg of c.slice(1)) this.duration(arg);
    return this.fail(n.from, EXPERIMENTAL_DURATION);
  }

  private positiveDuration(n: Node): number {
    const { value, pos } = this.duration(n);
    if (value <= 0) this.fail(pos, 'duration must be greater than 0');
    return secondsToMs(value);
  }

  private groupingLabels(n: Node): string[] {
    return nodes(n).map((l) => {
      const name = this.labelName(l);
      if (name === '') this.fail(l.from, `invalid label name for grouping: ${goQuote(name)}`);
      return name;
    });
  }

  private binary(c: readonly Node[]): Expr {
    const [lhsNode, opNode] = c as [Node, Node];
    const rhsNode = c[c.length - 1] as Node;
    const lhs = this.expr(lhsNode);
    let returnBool = false;
    let matching: VectorMatching | undefined;
    let fill = false;
    for (const m of c.slice(2, -1)) {
      if (m.name === 'BoolModifier') returnBool = true;
      if (m.name === 'FillModifier') fill = true;
      if (m.name !== 'MatchingModifierClause') continue;
      const [onNode, labelsNode, groupNode, includeNode] = nodes(m);
      const group = groupNode?.name;
      matching = {
        card: group === 'GroupLeft' ? 'many-to-one' : group === 'GroupRight' ? 'one-to-many' : 'one-to-one',
        labels: labelsNode ? this.groupingLabels(labelsNode) : [],
        on: onNode?.name === 'On',
        include: includeNode ? this.groupingLabels(includeNode) : [],
      };
    }
    const rhs = this.expr(rhsNode);
    const op = BINARY_OPS[opNode.name];
    const start = this.metaOf(lhs).pos;
    if (fill) this.fail(start, 'binop fill modifiers are experimental and not enabled');
    if (!op) return this.fail(opNode.from, `binary operator ${goQuote(this.text(opNode))} is not supported: it trims native histograms`);
    return this.note({ kind: 'binary', op, lhs, rhs, returnBool }, start, { opPos: opNode.from, ...(matching ? { matching } : {}) });
  }

  private aggregate(n: Node, c: readonly Node[]): Expr {
    const op = this.text(c[0] as Node).toLowerCase() as AggregateOp;
    let grouping: string[] = [];
    let without = false;
    let args: Expr[] = [];
    for (const child of c.slice(1)) {
      if (child.name === 'FunctionCallBody') args = nodes(child).map((a) => this.expr(a));
      if (child.name !== 'AggregateModifier') continue;
      const [kw, labels] = nodes(child) as [Node, Node];
      without = kw.name === 'Without';
      grouping = this.groupingLabels(labels);
    }
    if (args.length === 0) this.fail(n.from, 'no arguments for aggregate expression provided');
    const want = WITH_PARAM.has(op) ? 2 : 1;
    if (args.length !== want) {
      this.fail(n.from, `wrong number of arguments for aggregate expression provided, expected ${want}, got ${args.length}`);
    }
    const param = want === 2 ? { param: args[0] as Expr } : {};
    return this.note({ kind: 'aggregate', op, expr: args[want - 1] as Expr, ...param, grouping, without }, n.from);
  }
}
