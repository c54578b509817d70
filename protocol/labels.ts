/** A series' identity: label name → value, `__name__` holding the metric name, as in Prometheus. */
export type Labels = Readonly<Record<string, string>>;

export const METRIC_NAME = '__name__';

// Prometheus' data model: https://prometheus.io/docs/concepts/data_model/#metric-names-and-labels
const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Bounds that keep one misbehaving exporter from bloating every batch and the central index. */
export const LABEL_LIMITS = {
  maxLabelsPerSeries: 64,
  maxNameLength: 256,
  maxValueLength: 4096,
} as const;

export function isValidMetricName(name: string): boolean {
  return name.length <= LABEL_LIMITS.maxNameLength && METRIC_NAME_RE.test(name);
}

export function isValidLabelName(name: string): boolean {
  return name.length <= LABEL_LIMITS.maxNameLength && LABEL_NAME_RE.test(name);
}

/** Why a label set is invalid, or undefined when it is fine. */
export function labelsProblem(labels: Labels): string | undefined {
  const names = Object.keys(labels);
  if (names.length > LABEL_LIMITS.maxLabelsPerSeries) {
    return `${names.length} labels, at most ${LABEL_LIMITS.maxLabelsPerSeries} allowed`;
  }
  const metric = labels[METRIC_NAME];
  if (metric === undefined) return 'no __name__ label';
  if (!isValidMetricName(metric)) return `invalid metric name ${JSON.stringify(metric)}`;
  for (const name of names) {
    if (name !== METRIC_NAME && !isValidLabelName(name)) return `invalid label name ${JSON.stringify(name)}`;
    const value = labels[name];
    if (typeof value !== 'string') return `label ${name} is not a string`;
    if (value.length > LABEL_LIMITS.maxValueLength) {
      return `label ${name} value is ${value.length} characters, at most ${LABEL_LIMITS.maxValueLength} allowed`;
    }
  }
  return undefined;
}

const keys = new WeakMap<Labels, string>();

/**
 * Canonical text of a label set (sorted by name): equal label sets give equal keys. Remembered per object, which
 * is safe because label sets are never changed once built (Labels is read-only), and it makes the engine's range
 * queries cheap: the same series objects are keyed at every step.
 */
export function labelsKey(labels: Labels): string {
  let key = keys.get(labels);
  if (key === undefined) keys.set(labels, (key = JSON.stringify(sortedPairs(labels))));
  return key;
}

export function sortedPairs(labels: Labels): [string, string][] {
  return Object.keys(labels)
    .sort()
    .map((name) => [name, labels[name] as string]);
}

/** The same label set with its names in sorted order, as Prometheus keeps and returns label sets. */
export function sortLabels(labels: Labels): Labels {
  return Object.fromEntries(sortedPairs(labels));
}

/** Prometheus' text form, `name{a="x", b="y"}`, for log lines and error messages. */
export function formatSeries(labels: Labels): string {
  const rest = sortedPairs(labels)
    .filter(([name]) => name !== METRIC_NAME)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  return `${labels[METRIC_NAME] ?? ''}{${rest.join(', ')}}`;
}
