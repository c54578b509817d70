// PromQL text from a syntax tree, as Prometheus' Expr.String() writes it (promql/parser/printer.go): one line,
// canonical spacing, durations in largest units, matchers sorted, `by`/`without` before the arguments. The
// multi-line form of /api/v1/format_query builds on these pieces (prettify.ts).

import { formatFloatF } from './aggregate-go.ts';
import type { AggregateExpr, AtModifier, BinaryExpr, Expr, NumberLiteral, SubqueryExpr, VectorSelector } from './ast.ts';
import { formatDurationMs } from './duration.ts';
import type { Matcher } from './matcher.ts';
import { goQuote } from './parse-literals.ts';

/**
 * Go's strconv.Quote. The parser turns invalid UTF-8 bytes (`"\xff"`) into U+FFFD (strings.ts), so the bytes
 * Prometheus would write back as `\xff` are gone; `\ufffd` keeps the text parseable, where a bare U+FFFD is not.
 */
const quote = (s: string): string => goQuote(s).replaceAll('\uFFFD', '\\ufffd');

/** A name Prometheus can write bare (model.LegacyValidation): others, and the empty name, are quoted. */
const LEGACY_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const labelName = (name: string): string => (LEGACY_NAME.test(name) ? name : quote(name));
const labelList = (names: readonly string[]): string => names.map(labelName).join(', ');

/** Go's sort.Strings compares UTF-8 bytes; JavaScript's default sort compares UTF-16 units, which differs above U+FFFF. */
const byUtf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

function matcherString(m: Matcher): string {
  return `${labelName(m.name)}${m.type}${quote(m.value)}`;
}

function atString(at: AtModifier | undefined): string {
  if (!at) return '';
  if (at.kind !== 'time') return ` @ ${at.kind}()`;
  // Go's %.3f of seconds. An integer number of ms divided by 1000 is never a rounding tie, so toFixed agrees.
  return ` @ ${(at.ms / 1000).toFixed(3)}`;
}

function offsetString(offsetMs: number): string {
  if (offsetMs === 0) return '';
  return offsetMs > 0 ? ` offset ${formatDurationMs(offsetMs)}` : ` offset -${formatDurationMs(-offsetMs)}`;
}

function numberString(e: NumberLiteral): string {
  if (!e.duration) return formatFloatF(e.value);
  // model.Duration(seconds * 1e9): seconds to integer nanoseconds, then to whole milliseconds, truncating.
  const ms = (v: number) => Number(BigInt(Math.trunc(v * 1e9)) / 1_000_000n);
  return e.value < 0 ? `-${formatDurationMs(ms(-e.value))}` : formatDurationMs(ms(e.value));
}

/** The name Prometheus' selector holds: only one written before the braces. */
const ownName = (e: VectorSelector): string => (e.nameInBraces ? '' : (e.name ?? ''));

/** `name{matchers}` without @ and offset, which a matrix selector writes after its range. */
function selectorBody(e: VectorSelector): string {
  const name = ownName(e);
  const labels = e.matchers
    .filter((m) => !(m.name === '__name__' && m.type === '=' && m.value === name && m.value !== ''))
    .map(matcherString)
    .sort(byUtf8);
  return labels.length === 0 ? name : `${name}{${labels.join(',')}}`;
}

/** `sum by (job) `: the aggregation up to its arguments (Prometheus' ShortString). */
export function aggregateHead(e: AggregateExpr): string {
  if (e.without) return `${e.op} without (${labelList(e.grouping)}) `;
  if (e.grouping.length > 0) return `${e.op} by (${labelList(e.grouping)}) `;
  return e.op;
}

/** What follows a binary operator: ` bool`, ` on (…)` / ` ignoring (…)`, ` group_left (…)` / ` group_right (…)`. */
export function operatorModifiers(e: BinaryExpr): string {
  let out = e.returnBool ? ' bool' : '';
  const m = e.matching;
  if (!m) return out;
  const grouped = m.card === 'many-to-one' || m.card === 'one-to-many';
  // `ignoring ()` is kept when a group modifier follows: the grammar needs one of on/ignoring before it.
  if (m.labels.length > 0 || m.on || grouped) out += ` ${m.on ? 'on' : 'ignoring'} (${labelList(m.labels)})`;
  if (grouped) out += ` group_${m.card === 'many-to-one' ? 'left' : 'right'} (${labelList(m.include)})`;
  return out;
}

/** `[range:step] @ t offset d`, written after a subquery's inner expression. */
export function subquerySuffix(e: SubqueryExpr): string {
  const step = e.stepMs === undefined || e.stepMs === 0 ? '' : formatDurationMs(e.stepMs);
  return `[${formatDurationMs(e.rangeMs)}:${step}]${atString(e.at)}${offsetString(e.offsetMs)}`;
}

/** An expression on one line, exactly as Prometheus' String() writes it. */
export function exprString(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return numberString(e);
    case 'string':
      return quote(e.value);
    case 'vector_selector':
      return `${selectorBody(e)}${atString(e.at)}${offsetString(e.offsetMs)}`;
    case 'matrix_selector': {
      const s = e.selector;
      return `${selectorBody(s)}[${formatDurationMs(e.rangeMs)}]${atString(s.at)}${offsetString(s.offsetMs)}`;
    }
    case 'subquery':
      return `${exprString(e.expr)}${subquerySuffix(e)}`;
    case 'call':
      return `${e.func}(${e.args.map(exprString).join(', ')})`;
    case 'aggregate': {
      const param = e.param ? `${exprString(e.param)}, ` : '';
      return `${aggregateHead(e)}(${param}${exprString(e.expr)})`;
    }
    case 'binary':
      return `${exprString(e.lhs)} ${e.op}${operatorModifiers(e)} ${exprString(e.rhs)}`;
    case 'unary':
      return `${e.op}${exprString(e.expr)}`;
    case 'paren':
      return `(${exprString(e.expr)})`;
  }
}
