import type { Labels } from '../../../protocol/labels.ts';

export type ExpositionFormat = 'prometheus' | 'openmetrics';

export type MetricType =
  | 'counter'
  | 'gauge'
  | 'histogram'
  | 'summary'
  | 'untyped'
  | 'unknown'
  | 'info'
  | 'stateset'
  | 'gaugehistogram';

export interface ParsedSample {
  name: string;
  /** Includes `__name__`; labels with empty values are left out, as Prometheus' label builder drops them. */
  labels: Labels;
  value: number;
  /** Milliseconds since the epoch (OpenMetrics' float seconds are converted). */
  timestampMs?: number;
}

/** HELP/TYPE/UNIT of one family, keyed by the name written on those lines (`foo`, not `foo_total`, in OpenMetrics). */
export interface MetricFamilyMeta {
  name: string;
  type: MetricType;
  help?: string;
  unit?: string;
}

export interface ParseResult {
  samples: ParsedSample[];
  metadata: Map<string, MetricFamilyMeta>;
}

/** The one error parseExposition throws: the whole scrape is rejected, so the caller needs only where and why. */
export class ExpositionError extends Error {
  readonly line: number;
  readonly problem: string;

  constructor(line: number, problem: string) {
    super(`line ${line}: ${problem}`);
    this.name = 'ExpositionError';
    this.line = line;
    this.problem = problem;
  }
}
