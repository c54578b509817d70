import type { Labels } from '../protocol/labels.ts';

/** A stored sample as storage returns it; `stale` is Prometheus' staleness marker. */
export interface StoredSample {
  readonly t: number;
  readonly v: number;
  readonly stale: boolean;
}

export interface Point {
  readonly t: number;
  readonly v: number;
}

/** One element of an instant vector at evaluation time `t`. */
export interface VectorSample {
  readonly metric: Labels;
  readonly point: Point;
  /** The stored sample's own timestamp when this came straight from a vector selector (timestamp() uses it). */
  readonly sampleT?: number;
}

/**
 * One series of a range vector: its samples are ts[i], vs[i] for from <= i < to. Windows of a selector are views
 * into the selected columns, so a step of a range query copies nothing.
 */
export interface RangeSeries {
  readonly metric: Labels;
  readonly ts: Float64Array;
  readonly vs: Float64Array;
  readonly from: number;
  readonly to: number;
  /**
   * drops[i]: how many samples up to i are lower than the one before (counter resets). Set for selector windows,
   * so rate() finds a window without resets (the usual case) without looking at every sample.
   */
  readonly drops?: Int32Array;
}

/** A range series owning its points (a subquery's, a query result's). */
export function rangeSeries(metric: Labels, points: readonly Point[]): RangeSeries {
  const ts = new Float64Array(points.length);
  const vs = new Float64Array(points.length);
  points.forEach((p, i) => {
    ts[i] = p.t;
    vs[i] = p.v;
  });
  return { metric, ts, vs, from: 0, to: points.length };
}

/** The series' samples as points, for code that reports them rather than computes with them. */
export function pointsOf(s: RangeSeries): Point[] {
  const out: Point[] = [];
  for (let i = s.from; i < s.to; i++) out.push({ t: s.ts[i] as number, v: s.vs[i] as number });
  return out;
}

export type Vector = VectorSample[];
export type Matrix = RangeSeries[];

/** Every PromQL value, tagged by its type. */
export type Value =
  | { readonly type: 'scalar'; readonly t: number; readonly v: number }
  | { readonly type: 'string'; readonly t: number; readonly v: string }
  | { readonly type: 'vector'; readonly vector: Vector }
  | { readonly type: 'matrix'; readonly matrix: Matrix };

// Annotations travel with every result; they live in their own module.
export { Annotations } from './annotations.ts';
