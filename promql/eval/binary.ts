import { labelsKey, METRIC_NAME, type Labels } from '../../protocol/labels.ts';
import type { BinaryOp, VectorMatching } from '../ast.ts';
import { QueryError } from '../errors.ts';
import type { Vector, VectorSample } from '../value.ts';

const COMPARISONS = new Set<BinaryOp>(['==', '!=', '>', '<', '>=', '<=']);

export const isComparison = (op: BinaryOp) => COMPARISONS.has(op);
export const isSetOperator = (op: BinaryOp) => op === 'and' || op === 'or' || op === 'unless';

/** Arithmetic on two floats, or a comparison's verdict (value kept from the left). */
export function floatOp(op: BinaryOp, l: number, r: number): { v: number; keep: boolean } {
  switch (op) {
    case '+': return { v: l + r, keep: true };
    case '-': return { v: l - r, keep: true };
    case '*': return { v: l * r, keep: true };
    case '/': return { v: l / r, keep: true };
    case '%': return { v: l % r, keep: true };
    case '^': return { v: l ** r, keep: true };
    case 'atan2': return { v: Math.atan2(l, r), keep: true };
    case '==': return { v: l, keep: l === r };
    case '!=': return { v: l, keep: l !== r };
    case '>': return { v: l, keep: l > r };
    case '<': return { v: l, keep: l < r };
    case '>=': return { v: l, keep: l >= r };
    case '<=': return { v: l, keep: l <= r };
    default:
      throw new QueryError('execution', `operator "${op}" not allowed between these operands`);
  }
}

/** Arithmetic and `bool` comparisons produce a new quantity, so the metric name no longer applies. */
const dropsName = (op: BinaryOp, returnBool: boolean) => !isComparison(op) || returnBool;

export function withoutName(labels: Labels): Labels {
  if (!(METRIC_NAME in labels)) return labels;
  const { [METRIC_NAME]: _drop, ...rest } = labels;
  return rest;
}

/** The labels two samples are matched on: on(…) keeps only those, ignoring(…) drops those and the name. */
function matchGroup(labels: Labels, m: VectorMatching): Labels {
  const picked: Record<string, string> = {};
  if (m.on) {
    for (const name of m.labels) if (labels[name] !== undefined) picked[name] = labels[name] as string;
  } else {
    for (const [name, value] of Object.entries(labels)) if (name !== METRIC_NAME && !m.labels.includes(name)) picked[name] = value;
  }
  return picked;
}

const signature = (labels: Labels, m: VectorMatching): string => labelsKey(matchGroup(labels, m));

/** Vector ⊕ scalar (or scalar ⊕ vector when `scalarLeft`). */
export function vectorScalar(op: BinaryOp, vector: Vector, scalar: number, scalarLeft: boolean, returnBool: boolean, t: number): Vector {
  const out: Vector = [];
  for (const s of vector) {
    const [l, r] = scalarLeft ? [scalar, s.point.v] : [s.point.v, scalar];
    let { v, keep } = floatOp(op, l, r);
    // A filter keeps the vector's own value, whichever side the scalar is on.
    if (isComparison(op) && scalarLeft) v = s.point.v;
    if (returnBool) {
      v = keep ? 1 : 0;
      keep = true;
    }
    if (!keep) continue;
    out.push({ metric: dropsName(op, returnBool) ? withoutName(s.metric) : s.metric, point: { t, v } });
  }
  return out;
}

/** and / or / unless, always many-to-many. */
export function setOperation(op: BinaryOp, lhs: Vector, rhs: Vector, m: VectorMatching): Vector {
  const rightSigs = new Set(rhs.map((s) => signature(s.metric, m)));
  if (op === 'and') return lhs.filter((s) => rightSigs.has(signature(s.metric, m)));
  if (op === 'unless') return lhs.filter((s) => !rightSigs.has(signature(s.metric, m)));
  const leftSigs = new Set(lhs.map((s) => signature(s.metric, m)));
  return [...lhs, ...rhs.filter((s) => !leftSigs.has(signature(s.metric, m)))];
}

/** Arithmetic and comparisons between two vectors with one-to-one, many-to-one or one-to-many matching. */
export function vectorVector(op: BinaryOp, lhs: Vector, rhs: Vector, m: VectorMatching, returnBool: boolean, t: number): Vector {
  // Work with the "many" side on the left; group_right swaps, and operands are swapped back for the math.
  const swapped = m.card === 'one-to-many';
  const [many, one] = swapped ? [rhs, lhs] : [lhs, rhs];

  const oneBySig = new Map<string, VectorSample>();
  for (const s of one) {
    const sig = signature(s.metric, m);
    const dup = oneBySig.get(sig);
    if (dup) {
      const side = swapped ? 'left' : 'right';
      throw new QueryError(
        'execution',
        `found duplicate series for the match group ${formatMetric(matchGroup(s.metric, m))} on the ${side} hand-side of the operation: [${formatMetric(dup.metric)}, ${formatMetric(s.metric)}];many-to-many matching not allowed: matching labels must be unique on one side`,
      );
    }
    oneBySig.set(sig, s);
  }

  const out: Vector = [];
  const matched = new Set<string>();
  const produced = new Set<string>();
  for (const ms of many) {
    const sig = signature(ms.metric, m);
    const os = oneBySig.get(sig);
    if (!os) continue;
    if (m.card === 'one-to-one') {
      if (matched.has(sig)) throw new QueryError('execution', 'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
      matched.add(sig);
    }
    const [l, r] = swapped ? [os.point.v, ms.point.v] : [ms.point.v, os.point.v];
    let { v, keep } = floatOp(op, l, r);
    if (returnBool) {
      v = keep ? 1 : 0;
      keep = true;
    }
    if (!keep) continue;
    const metric = resultMetric(ms.metric, os.metric, op, m, returnBool);
    if (m.card !== 'one-to-one') {
      const key = labelsKey(metric);
      if (produced.has(key)) throw new QueryError('execution', 'multiple matches for labels: grouping labels must ensure unique matches');
      produced.add(key);
    }
    out.push({ metric, point: { t, v } });
  }
  return out;
}

function resultMetric(many: Labels, one: Labels, op: BinaryOp, m: VectorMatching, returnBool: boolean): Labels {
  let out: Record<string, string> = { ...many };
  if (dropsName(op, returnBool)) delete out[METRIC_NAME];
  if (m.card === 'one-to-one') {
    if (m.on) {
      const kept: Record<string, string> = {};
      for (const name of m.labels) if (out[name] !== undefined) kept[name] = out[name] as string;
      out = kept;
    } else {
      for (const name of m.labels) delete out[name];
    }
  }
  for (const name of m.include) {
    const value = one[name];
    if (value !== undefined && value !== '') out[name] = value;
    else delete out[name];
  }
  return out;
}

function formatMetric(labels: Labels): string {
  return `{${Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}}`;
}
