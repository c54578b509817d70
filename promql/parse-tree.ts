// lezer's syntax tree as plain nodes, corrected where the lezer grammar groups differently from Prometheus'.

import type { SyntaxNode } from '@lezer/common';
import { tokensBetween, type Token } from './parse-lex.ts';

export interface Node {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  readonly children: readonly Node[];
}

export const nodes = (n: Node): readonly Node[] => n.children;

export function plain(n: SyntaxNode): Node {
  const children: Node[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) if (c.name !== 'LineComment') children.push(plain(c));
  return { name: n.name, from: n.from, to: n.to, children };
}

/** Suffixes that Prometheus binds tighter than any operator: `a + b offset 5m` is a + (b offset 5m). */
const POSTFIX = new Set(['MatrixSelector', 'SubqueryExpr', 'OffsetExpr', 'StepInvariantExpr', 'AnchoredExpr', 'SmoothedExpr']);
/** Where a number literal's sign belongs to the literal itself rather than making a unary expression. */
const SIGNED_LITERAL_PARENTS = new Set(['StepInvariantExpr', 'FillClause', 'FillLeftClause', 'FillRightClause']);

/**
 * Regroups lezer's tree the way Prometheus' grammar groups the same text:
 * - lezer takes a sign into a number literal (`-1`), so `-1 ^ 2` would be (-1) ^ 2; Prometheus reads a unary
 *   minus, which binds looser than `^`: -(1 ^ 2). The sign becomes a UnaryExpr and `^` moves under it.
 * - lezer applies `[…]`, offset and @ to a whole binary or unary expression on their left (`a * b[5m]` as
 *   (a * b)[5m]); in Prometheus they bind tightest, to the last operand: a * (b[5m]).
 */
export function normalize(n: Node, tokens: readonly Token[], parent = ''): Node {
  const children = n.children.map((c) => normalize(c, tokens, n.name));
  let node: Node = { ...n, children };
  if (n.name === 'NumberDurationLiteral' && !SIGNED_LITERAL_PARENTS.has(parent)) {
    const inside = tokensBetween(tokens, n.from, n.to);
    const sign = inside[0];
    const digits = inside[inside.length - 1];
    if (inside.length > 1 && sign && digits && (sign.type === 'SUB' || sign.type === 'ADD')) {
      const op: Node = { name: 'UnaryOp', from: sign.pos, to: sign.pos + 1, children: [] };
      const literal: Node = { name: 'NumberDurationLiteral', from: digits.pos, to: n.to, children: [] };
      return { name: 'UnaryExpr', from: n.from, to: n.to, children: [op, literal] };
    }
  }
  const first = children[0];
  if (n.name === 'BinaryExpr' && children[1]?.name === 'Pow' && first?.name === 'UnaryExpr') {
    // Only a split literal gives this shape: lezer itself puts `-x ^ 2` under the unary minus.
    const [op, operand] = first.children as [Node, Node];
    const pow: Node = { ...node, from: operand.from, children: [operand, ...children.slice(1)] };
    return { name: 'UnaryExpr', from: n.from, to: n.to, children: [op, pow] };
  }
  if (POSTFIX.has(n.name) && first) node = pushDown(node);
  return node;
}

/** Moves a postfix node below binary and unary expressions onto their last operand. */
function pushDown(postfix: Node): Node {
  const operand = postfix.children[0] as Node;
  if (operand.name !== 'BinaryExpr' && operand.name !== 'UnaryExpr') return postfix;
  const last = operand.children[operand.children.length - 1] as Node;
  const moved = pushDown({ ...postfix, from: last.from, children: [last, ...postfix.children.slice(1)] });
  return { ...operand, to: postfix.to, children: [...operand.children.slice(0, -1), moved] };
}
