import { open, type Database, type RootDatabase } from 'lmdb';
import type { Batch, Sample } from '../../protocol/batch.ts';
import { labelsKey, sortedPairs, sortLabels, type Labels } from '../../protocol/labels.ts';
import { matchesAll, type Matcher } from '../../promql/matcher.ts';
import { compareLabelPairs } from '../../promql/memory-storage.ts';
import type { SelectedSeries } from '../../promql/queryable.ts';
import { columnsOf } from '../../promql/columns.ts';
import type { StoredSample } from '../../promql/value.ts';
import type { AppendOutcome, Storage, TimeRange } from './storage.ts';

/** `null` is the staleness marker: it cannot collide with any float, NaN included. */
type StoredValue = number | null;

/**
 * A simple LMDB store: one key per sample, [seriesId, t] → value, plus the label sets and the dedupe records.
 * It is the reference behaviour that the compressed TSDB replaces behind the same Storage interface.
 */
export async function openLmdbStore(path: string): Promise<Storage> {
  const root: RootDatabase = open({ path });
  const seriesDb: Database<Labels, number> = root.openDB({ name: 'series', keyEncoding: 'uint32' });
  const samplesDb: Database<StoredValue, [number, number]> = root.openDB({ name: 'samples' });
  const seenDb: Database<number, [string, number]> = root.openDB({ name: 'seen' });

  // The label index lives in memory for now: a full scan per query, fine for a few thousand series.
  const idByKey = new Map<string, number>();
  const labelsById = new Map<number, Labels>();
  for (const { key, value } of seriesDb.getRange()) {
    idByKey.set(labelsKey(value), key);
    labelsById.set(key, value);
  }
  let nextId = 1;
  for (const id of labelsById.keys()) nextId = Math.max(nextId, id + 1);

  /** One key read: the first sample of the series at or after mint, if it is not past maxt. */
  function hasSampleIn(id: number, { mint, maxt }: TimeRange): boolean {
    for (const key of samplesDb.getKeys({ start: [id, mint], end: [id + 1], limit: 1 })) return key[1] <= maxt;
    return false;
  }

  function matching(selectors: readonly (readonly Matcher[])[], range: TimeRange | undefined): Labels[] {
    const out: Labels[] = [];
    for (const [id, labels] of labelsById) {
      if (selectors.length > 0 && !selectors.some((m) => matchesAll(labels, m))) continue;
      // A series is written together with its first sample, so without a range every series qualifies.
      if (range === undefined || hasSampleIn(id, range)) out.push(labels);
    }
    return out;
  }

  /** Writes series and samples in one commit, with `inside` run first in the same transaction (dedupe). */
  async function write(series: readonly Labels[], samples: readonly Sample[], inside: () => boolean): Promise<AppendOutcome> {
    const created: string[] = [];
    let outcome: AppendOutcome = { status: 'duplicate', samples: 0, newSeries: 0, tooOld: 0, seriesLimited: 0 };
    try {
      await root.transaction(() => {
        if (!inside()) return;
        const ids = series.map((labels) => {
          const key = labelsKey(labels);
          let id = idByKey.get(key);
          if (id === undefined) {
            id = nextId++;
            idByKey.set(key, id);
            const sorted = sortLabels(labels);
            labelsById.set(id, sorted);
            created.push(key);
            seriesDb.put(id, sorted);
          }
          return id;
        });
        for (const s of samples) samplesDb.put([ids[s.series] as number, s.t], s.stale ? null : s.v);
        outcome = { status: 'stored', samples: samples.length, newSeries: created.length, tooOld: 0, seriesLimited: 0 };
      });
      await root.flushed;
    } catch (err) {
      // The commit failed: forget series that exist only in memory, or later batches would never write them.
      for (const key of created) {
        labelsById.delete(idByKey.get(key) as number);
        idByKey.delete(key);
      }
      throw err;
    }
    return outcome;
  }

  return {
    appendBatch(batch: Batch): Promise<AppendOutcome> {
      return write(batch.series, batch.samples, () => {
        if (seenDb.get([batch.agent, batch.seq]) !== undefined) return false;
        seenDb.put([batch.agent, batch.seq], Date.now());
        return true;
      });
    },

    appendSamples(_source, series, samples) {
      return write(series, samples, () => true);
    },

    hasBatch(agent, seq) {
      return seenDb.get([agent, seq]) !== undefined;
    },

    *select(matchers: readonly Matcher[], mint: number, maxt: number): Iterable<SelectedSeries> {
      for (const [id, labels] of labelsById) {
        if (!matchesAll(labels, matchers)) continue;
        const samples: StoredSample[] = [];
        // Keys are ordered [id, t]; the range is (mint, maxt].
        for (const { key, value } of samplesDb.getRange({ start: [id, mint + 1], end: [id, maxt + 1] })) {
          samples.push(value === null ? { t: key[1], v: NaN, stale: true } : { t: key[1], v: value, stale: false });
        }
        if (samples.length > 0) yield { labels, ...columnsOf(samples) };
      }
    },

    series(selectors, range) {
      return matching(selectors, range)
        .map((labels) => ({ labels, pairs: sortedPairs(labels) }))
        .sort((a, b) => compareLabelPairs(a.pairs, b.pairs))
        .map((s) => s.labels);
    },

    labelNames(selectors, range) {
      const names = new Set<string>();
      for (const labels of matching(selectors, range)) for (const name of Object.keys(labels)) names.add(name);
      return [...names].sort();
    },

    labelValues(name, selectors, range) {
      const values = new Set<string>();
      for (const labels of matching(selectors, range)) {
        const value = labels[name];
        if (value !== undefined && value !== '') values.add(value);
      }
      return [...values].sort();
    },

    async close() {
      await root.close();
    },
  };
}
