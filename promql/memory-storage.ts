import { METRIC_NAME, labelsKey, sortedPairs, type Labels } from '../protocol/labels.ts';
import { compareCodePoints } from './functions/common.ts';
import { matchesAll, type Matcher } from './matcher.ts';
import type { Queryable, SelectedSeries } from './queryable.ts';
import { columnsOf } from './columns.ts';
import type { StoredSample } from './value.ts';

/**
 * Samples held in memory: the PromQL test runner's storage, and the agent's local window for edge rules.
 * Series are kept sorted by label set (Prometheus' labels.Compare order) and samples by time, so a select
 * is one binary search per series plus the samples it returns.
 */
export interface MemoryStorage extends Queryable {
  /** Adds a sample; one at an existing timestamp replaces it. Labels with empty values are dropped, as in Prometheus. */
  append(labels: Labels, t: number, v: number, stale?: boolean): void;
  /** Removes every series. */
  clear(): void;
  /** Removes samples older than `t` (t' < t), and series left without samples. */
  truncateBefore(t: number): void;
  /** Number of series currently held. */
  readonly seriesCount: number;
  /** The label sets of the series held. */
  seriesLabels(): Labels[];
}

interface Series {
  readonly labels: Labels;
  readonly pairs: readonly (readonly [string, string])[];
  readonly samples: StoredSample[];
}

/**
 * Prometheus' labels.Compare on sorted pairs: name by name, then value by value; a prefix sorts first. Strings
 * compare by code point (Go's byte order on UTF-8), like functions/misc.ts's compareLabels on label objects.
 */
export function compareLabelPairs(a: readonly (readonly [string, string])[], b: readonly (readonly [string, string])[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const [an, av] = a[i] as readonly [string, string];
    const [bn, bv] = b[i] as readonly [string, string];
    if (an !== bn) return compareCodePoints(an, bn);
    if (av !== bv) return compareCodePoints(av, bv);
  }
  return a.length - b.length;
}

/** Index of the first sample with time > t, or >= t when `orAt` (samples ascending by time). */
function firstAfter(samples: readonly StoredSample[], t: number, orAt = false): number {
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const st = (samples[mid] as StoredSample).t;
    if (st < t || (st === t && !orAt)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Where `s` belongs in a list sorted by label pairs. */
function insertionIndex(list: readonly Series[], s: Series): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareLabelPairs((list[mid] as Series).pairs, s.pairs) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function memoryStorage(): MemoryStorage {
  const byKey = new Map<string, Series>();
  /** Every series, sorted by labels. */
  let all: Series[] = [];
  /** Series per metric name (each list a sorted subsequence of `all`), for the common `name{…}` selector. */
  let byName = new Map<string, Series[]>();

  function seriesFor(labels: Labels): Series {
    const clean = Object.fromEntries(Object.entries(labels).filter(([, v]) => v !== ''));
    const key = labelsKey(clean);
    let s = byKey.get(key);
    if (s) return s;
    const pairs = sortedPairs(clean);
    s = { labels: Object.fromEntries(pairs), pairs, samples: [] };
    byKey.set(key, s);
    all.splice(insertionIndex(all, s), 0, s);
    const name = clean[METRIC_NAME] ?? '';
    const named = byName.get(name) ?? [];
    named.splice(insertionIndex(named, s), 0, s);
    byName.set(name, named);
    return s;
  }

  function candidates(matchers: readonly Matcher[]): readonly Series[] {
    const byEquality = matchers.find((m) => m.name === METRIC_NAME && m.type === '=');
    return byEquality ? (byName.get(byEquality.value) ?? []) : all;
  }

  return {
    append(labels, t, v, stale = false) {
      const samples = seriesFor(labels).samples;
      const sample: StoredSample = { t, v: stale ? NaN : v, stale };
      const last = samples[samples.length - 1];
      if (!last || last.t < t) {
        samples.push(sample); // The usual case: samples arrive in time order.
        return;
      }
      const i = firstAfter(samples, t);
      if (i > 0 && (samples[i - 1] as StoredSample).t === t) samples[i - 1] = sample;
      else samples.splice(i, 0, sample);
    },
    clear() {
      byKey.clear();
      all = [];
      byName = new Map();
    },
    truncateBefore(t) {
      for (const s of all) {
        const keep = firstAfter(s.samples, t, true);
        if (keep > 0) s.samples.splice(0, keep);
      }
      if (all.every((s) => s.samples.length > 0)) return;
      const live = all.filter((s) => s.samples.length > 0);
      byKey.clear();
      byName = new Map();
      for (const s of live) {
        byKey.set(labelsKey(s.labels), s);
        const name = s.labels[METRIC_NAME] ?? '';
        byName.set(name, [...(byName.get(name) ?? []), s]);
      }
      all = live;
    },
    get seriesCount() {
      return all.length;
    },
    seriesLabels: () => all.map((s) => s.labels),
    *select(matchers: readonly Matcher[], mint: number, maxt: number): Iterable<SelectedSeries> {
      for (const s of candidates(matchers)) {
        if (!matchesAll(s.labels, matchers)) continue;
        const from = firstAfter(s.samples, mint);
        const to = firstAfter(s.samples, maxt);
        if (from < to) yield { labels: s.labels, ...columnsOf(s.samples.slice(from, to)) };
      }
    },
  };
}
