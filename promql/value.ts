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

export interface RangeSeries {
  readonly metric: Labels;
  readonly points: Point[];
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
