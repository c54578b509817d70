/**
 * Prometheus' metric types as its metadata API reports them. The text format's `untyped` is `unknown` here, as
 * Prometheus' parser maps it (model/textparse/promparse.go).
 */
export const METRIC_TYPES = ['counter', 'gauge', 'histogram', 'summary', 'info', 'stateset', 'gaugehistogram', 'unknown'] as const;

export type MetricType = (typeof METRIC_TYPES)[number];

/** TYPE, HELP and UNIT of one metric family, as the metadata API returns one entry (`unit` "" when none). */
export interface FamilyMetadata {
  readonly type: MetricType;
  readonly help: string;
  readonly unit: string;
}

/** One entry of a batch's metadata table: a family name (`foo`, not `foo_total`, for OpenMetrics) and its description. */
export interface MetricMetadata extends FamilyMetadata {
  readonly name: string;
}

export function isMetricType(value: unknown): value is MetricType {
  return (METRIC_TYPES as readonly unknown[]).includes(value);
}

/** Equal keys for equal entries: the identity under which an entry is sent, refreshed and stored once. */
export function metadataKey(m: MetricMetadata): string {
  return JSON.stringify([m.name, m.type, m.help, m.unit]);
}
