import { labelsKey, sortedPairs, type Labels } from '../../protocol/labels.ts';
import { compareLabelPairs } from '../memory-storage.ts';
import { pointsOf, type Annotations, type Matrix, type Point, type Value, type Vector } from '../value.ts';
import { isOrdered, type EvalCommand, type Expectation } from './script.ts';
import type { SeqValue } from './series-notation.ts';

/**
 * Checks one eval's outcome the way Prometheus' promqltest does (compareResult, checkAnnotations,
 * checkExpectedFailure in promql/promqltest/test.go), with the same failure wording. Each check returns
 * the reason it failed, or undefined.
 */

const DEFAULT_EPSILON = 0.000001;
const MIN_NORMAL = 2.2250738585072014e-308;

/** Prometheus' almost.Equal: relative error below epsilon; NaN equals NaN. */
export function almostEqual(a: number, b: number, epsilon = DEFAULT_EPSILON): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

/** Go's %v for a float. */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** Prometheus' labels.String(): `{__name__="up", job="x"}`. */
export function formatLabels(labels: Labels): string {
  return `{${sortedPairs(labels)
    .map(([n, v]) => `${n}=${JSON.stringify(v)}`)
    .join(', ')}}`;
}

function formatSeq(values: readonly SeqValue[]): string {
  const one = (v: SeqValue) => (v.kind === 'float' ? formatFloat(v.v) : v.kind === 'stale' ? 'stale' : v.kind === 'omitted' ? '_' : v.text);
  return `[${values.map(one).join(' ')}]`;
}

function formatPoints(points: readonly Point[]): string {
  return `${points.length} float point${points.length === 1 ? '' : 's'} [${points.map((p) => `${formatFloat(p.v)} @[${p.t}]`).join(' ')}]`;
}

/** Does an expected value equal an actual one? A stale marker is never part of a query result. */
function valueMatches(expected: SeqValue, actual: number): boolean {
  if (expected.kind === 'float') return almostEqual(expected.v, actual);
  if (expected.kind === 'omitted') return almostEqual(0, actual); // Prometheus compares a `_` as 0 here
  return false;
}

/**
 * Matches an expect line against an error or annotation text as Prometheus' CheckMatch does: the whole message,
 * or the regex anywhere in it. Annotations end with their position in the query (`… (1:15)`), which must match too.
 */
export function expectationMatches(e: Expectation, actual: string): boolean {
  if (e.message !== undefined) return e.message === actual;
  if (e.regex !== undefined) return e.regex.test(actual);
  return true;
}

const describe = (e: Expectation) => (e.message !== undefined ? `message ${JSON.stringify(e.message)}` : `pattern ${JSON.stringify(e.regex?.source ?? '^.*$')}`);

/** The query failed with `message`; is that the failure the eval expects? */
export function checkFailure(ev: EvalCommand, message: string): string | undefined {
  const wanted = [ev.legacyFail, ev.expects.fail[0]].filter((e): e is Expectation => e !== undefined);
  for (const e of wanted) {
    if (!expectationMatches(e, message)) return `expected error matching ${describe(e)}, but got: ${message}`;
  }
  return undefined;
}

function checkType(expected: readonly Expectation[], actual: readonly string[], type: string): string | undefined {
  if (expected.length === 0) return undefined;
  if (actual.length === 0) return `expected ${type} annotations but none were found`;
  for (const e of expected) {
    if (!actual.some((a) => expectationMatches(e, a))) {
      return `expected ${type} annotation matching ${describe(e)} but no matching annotation was found, found: ${JSON.stringify(actual)}`;
    }
  }
  const stray = actual.find((a) => !expected.some((e) => expectationMatches(e, a)));
  return stray === undefined ? undefined : `unexpected ${type} annotation ${JSON.stringify(stray)}`;
}

export function checkAnnotations(ev: EvalCommand, annotations: Annotations): string | undefined {
  // As Prometheus' promqltest: every annotation, with its position in the eval's expression.
  const { warnings, infos } = annotations.asStrings(ev.expr);
  if (ev.legacy.warn && warnings.length === 0) return 'expected warnings but got none';
  if (ev.legacy.info && infos.length === 0) return 'expected info annotations but got none';
  return (
    checkType(ev.expects.warn, warnings, 'warn') ??
    checkType(ev.expects.info, infos, 'info') ??
    (ev.expects.no_warn.length > 0 && warnings.length > 0 ? `unexpected warning annotations: ${JSON.stringify(warnings)}` : undefined) ??
    (ev.expects.no_info.length > 0 && infos.length > 0 ? `unexpected info annotations: ${JSON.stringify(infos)}` : undefined)
  );
}

/** Range query results must come sorted by labels, as Prometheus returns them. */
export function checkMatrixSorted(m: Matrix): string | undefined {
  for (let i = 0; i + 1 < m.length; i++) {
    const a = (m[i] as Matrix[number]).metric;
    const b = (m[i + 1] as Matrix[number]).metric;
    if (compareLabelPairs(sortedPairs(a), sortedPairs(b)) > 0) {
      return `matrix results should always be sorted by labels, but matrix is not sorted: series at index ${i + 1} with labels ${formatLabels(b)} sorts before series at index ${i} with labels ${formatLabels(a)}`;
    }
  }
  return undefined;
}

function compareMatrix(ev: EvalCommand, m: Matrix): string | undefined {
  if (isOrdered(ev)) return 'expected ordered result, but query returned a matrix';
  if (ev.scalar !== undefined) return `expected scalar result, but got a matrix of ${m.length} series`;
  const unsorted = checkMatrixSorted(m);
  if (unsorted) return unsorted;
  const seen = new Set<string>();
  for (const series of m) {
    const s = { metric: series.metric, points: pointsOf(series) };
    const key = labelsKey(s.metric);
    const exp = ev.expected.get(key);
    if (!exp) return `unexpected metric ${formatLabels(s.metric)} in result, has ${formatPoints(s.points)}`;
    seen.add(key);
    const want: { t: number; v: SeqValue }[] = [];
    for (const [i, v] of exp.values.entries()) {
      const t = ev.start + i * ev.stepMs;
      if (ev.end === undefined || t > ev.end) {
        return `expected ${exp.values.length} points for ${formatLabels(exp.labels)}, but query time range cannot return this many points`;
      }
      if (v.kind !== 'omitted') want.push({ t, v });
    }
    if (want.length !== s.points.length) {
      return `expected ${want.length} float points for ${formatLabels(exp.labels)}, but got ${formatPoints(s.points)}`;
    }
    for (const [i, w] of want.entries()) {
      const p = s.points[i] as Point;
      if (w.t !== p.t) {
        return `expected float value at index ${i} for ${formatLabels(exp.labels)} to have timestamp ${w.t}, but it had timestamp ${p.t} (result has ${formatPoints(s.points)})`;
      }
      if (!valueMatches(w.v, p.v)) {
        return `expected float value at index ${i} (t=${p.t}) for ${formatLabels(exp.labels)} to be ${formatSeq([w.v]).slice(1, -1)}, but got ${formatFloat(p.v)} (result has ${formatPoints(s.points)})`;
      }
    }
  }
  for (const [key, exp] of ev.expected) if (!seen.has(key)) return `expected metric ${formatLabels(exp.labels)} not found`;
  return undefined;
}

function compareVector(ev: EvalCommand, vec: Vector): string | undefined {
  if (ev.scalar !== undefined) return `expected scalar result, but got a vector of ${vec.length} samples`;
  const seen = new Set<string>();
  for (const [pos, s] of vec.entries()) {
    const key = labelsKey(s.metric);
    const exp = ev.expected.get(key);
    if (!exp) return `unexpected metric ${formatLabels(s.metric)} in result, has value ${formatFloat(s.point.v)}`;
    if (isOrdered(ev) && exp.pos !== pos + 1) {
      return `expected metric ${formatLabels(s.metric)} with ${formatSeq(exp.values)} at position ${exp.pos} but was at ${pos + 1}`;
    }
    const want = exp.values[0] ?? { kind: 'omitted' };
    if (!valueMatches(want, s.point.v)) return `expected ${formatSeq([want]).slice(1, -1)} for ${formatLabels(s.metric)} but got ${formatFloat(s.point.v)}`;
    seen.add(key);
  }
  for (const [key, exp] of ev.expected) {
    if (!seen.has(key)) return `expected metric ${formatLabels(exp.labels)} with ${formatSeq(exp.values)} not found`;
  }
  return undefined;
}

/** Compares a query's value with the eval's expected lines; the reason for a mismatch, or undefined. */
export function compareResult(ev: EvalCommand, value: Value): string | undefined {
  switch (value.type) {
    case 'matrix':
      return compareMatrix(ev, value.matrix);
    case 'vector':
      return compareVector(ev, value.vector);
    case 'scalar':
      if (ev.scalar === undefined) return `expected vector or matrix result, but got scalar ${formatFloat(value.v)}`;
      return almostEqual(ev.scalar, value.v) ? undefined : `expected scalar ${formatFloat(ev.scalar)} but got ${formatFloat(value.v)}`;
    case 'string':
      return (ev.expectedString ?? '') === value.v ? undefined : `expected string ${JSON.stringify(ev.expectedString ?? '')} but got ${JSON.stringify(value.v)}`;
  }
}
