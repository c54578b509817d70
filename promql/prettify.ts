// PromQL text in the multi-line form /api/v1/format_query returns, as Prometheus' parser.Prettify writes it
// (promql/parser/prettier.go, rules in prettier_rules.md): an expression whose one-line form is longer than the
// limit is split, its children one level deeper (two spaces a level); anything that fits stays on one line.

import type { Expr } from './ast.ts';
import { aggregateHead, exprString, operatorModifiers, subquerySuffix } from './print.ts';

export interface PrettifyOptions {
  /** Longest one-line form, in UTF-8 bytes as Go counts `len`, before an expression is split. */
  readonly maxLineBytes: number;
}

export const DEFAULT_PRETTIFY: PrettifyOptions = { maxLineBytes: 100 };

const indent = (level: number): string => '  '.repeat(level);

/** The text /api/v1/format_query answers for a parsed expression. */
export function prettify(expr: Expr, options: Partial<PrettifyOptions> = {}): string {
  const { maxLineBytes } = { ...DEFAULT_PRETTIFY, ...options };
  const fits = (e: Expr) => Buffer.byteLength(exprString(e)) <= maxLineBytes;

  // `level` is the depth of a line the parent has already broken; a node at level 0 starts the text.
  function pretty(e: Expr, level: number): string {
    const pad = indent(level);
    switch (e.kind) {
      case 'aggregate': {
        if (fits(e)) return pad + exprString(e);
        const param = e.param ? `${pretty(e.param, level + 1)},\n` : '';
        return `${pad}${aggregateHead(e)}(\n${param}${pretty(e.expr, level + 1)}\n${pad})`;
      }
      case 'binary':
        if (fits(e)) return pad + exprString(e);
        // The operator sits between its operands, one level out.
        return `${pretty(e.lhs, level + 1)}\n${pad}${e.op}${operatorModifiers(e)}\n${pretty(e.rhs, level + 1)}`;
      case 'call':
        if (fits(e)) return pad + exprString(e);
        return `${pad}${e.func}(\n${e.args.map((a) => pretty(a, level + 1)).join(',\n')}\n${pad})`;
      case 'paren':
        if (fits(e)) return pad + exprString(e);
        return `${pad}(\n${pretty(e.expr, level + 1)}\n${pad})`;
      case 'subquery':
        // Prometheus writes a subquery that fits without the indentation of its level; kept for identical output.
        if (fits(e)) return exprString(e);
        return pretty(e.expr, level) + subquerySuffix(e);
      case 'unary':
        // The sign takes the child's place, so the child's own indentation is dropped.
        return `${pad}${e.op}${pretty(e.expr, level).trim()}`;
      case 'number':
      case 'string':
      case 'vector_selector':
      case 'matrix_selector':
        return pad + exprString(e);
    }
  }

  return pretty(expr, 0);
}
