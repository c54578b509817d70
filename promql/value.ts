import type { Labels } from '../protocol/labels.ts';

/** A stored sample as queries see it; `stale` is Prometheus' staleness marker. */
export interface StoredSample {
  readonly t: number;
  readonly v: number;
  readonly stale: boolean;
}

export interface Point {
  readonly t: number;
  readonly v: number;
}

/** One element of an instant vector. */
export interface VectorSample {
  readonly metric: Labels;
  readonly point: Point;
}

export interface RangeSeries {
  readonly metric: Labels;
  readonly points: Point[];
}

export type Vector = VectorSample[];
export type Matrix = RangeSeries[];
