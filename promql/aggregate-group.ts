import { METRIC_NAME, type Labels } from '../protocol/labels.ts';

/** One output group of an aggregation: its label set and a key equal exactly for equal label sets. */
export interface Group {
  readonly key: string;
  readonly labels: Labels;
}

const own = (labels: Labels, name: string): string => (Object.hasOwn(labels, name) ? (labels[name] as string) : '');

/**
 * The group a series falls in (Prometheus' generateGroupingLabels): `by` keeps only the listed labels (even
 * __name__ when listed), `without` drops the listed labels and always __name__. Labels with an empty value do
 * not exist in Prometheus, so they group like absent ones. `grouping` must be sorted.
 */
export function groupOf(metric: Labels, grouping: readonly string[], without: boolean): Group {
  const pairs: [string, string][] = without
    ? Object.keys(metric)
        .filter((name) => name !== METRIC_NAME && !grouping.includes(name))
        .sort()
        .map((name) => [name, own(metric, name)])
    : [...new Set(grouping)].map((name) => [name, own(metric, name)]);
  const kept = pairs.filter(([, value]) => value !== '');
  return { key: JSON.stringify(kept), labels: Object.fromEntries(kept) };
}

// Groups per grouping signature, per series object. Signatures come from queries: a few dozen in practice; the
// map is emptied if unusual traffic ever makes it large.
const groupsBySignature = new Map<string, WeakMap<Labels, Group>>();

/**
 * groupOf for one aggregation, remembered per series object: range queries aggregate the same series at every
 * step, so after the first step finding a series' group is one lookup.
 */
/** A string equal for equal groupings (`grouping` sorted). */
export const groupingSignature = (grouping: readonly string[], without: boolean): string => `${without ? '-' : '+'}${JSON.stringify(grouping)}`;

export function grouper(grouping: readonly string[], without: boolean): (metric: Labels) => Group {
  const signature = groupingSignature(grouping, without);
  let groups = groupsBySignature.get(signature);
  if (groups === undefined) {
    if (groupsBySignature.size >= 10_000) groupsBySignature.clear();
    groupsBySignature.set(signature, (groups = new WeakMap()));
  }
  const known = groups;
  return (metric) => {
    let group = known.get(metric);
    if (group === undefined) known.set(metric, (group = groupOf(metric, grouping, without)));
    return group;
  };
}

/** What Prometheus' fParams knows of a parameter over the whole query: its extremes and whether any step is NaN. */
export interface ParamStats {
  readonly min: number;
  readonly max: number;
  readonly hasNaN: boolean;
}

// Go's math.Max and math.Min: an infinity of the right sign wins over NaN, NaN over any number.
const goMax = (x: number, y: number): number =>
  x === Infinity || y === Infinity ? Infinity : Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y);
const goMin = (x: number, y: number): number =>
  x === -Infinity || y === -Infinity ? -Infinity : Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y);

const statsCache = new WeakMap<readonly number[], ParamStats>();

/** Folds the parameter's values as newFParams does; computed once per array of step values. */
export function paramStats(values: readonly number[]): ParamStats {
  let stats = statsCache.get(values);
  if (stats === undefined) {
    let min = Number.MAX_VALUE;
    let max = -Number.MAX_VALUE;
    for (const v of values) {
      min = goMin(min, v);
      max = goMax(max, v);
    }
    stats = { min, max, hasNaN: values.some(Number.isNaN) };
    statsCache.set(values, stats);
  }
  return stats;
}
