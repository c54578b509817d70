import type { Labels } from '../../protocol/labels.ts';
import { decodeHeadRecord, type HeadRecord } from './chunk-layout.ts';
import { MemSeries } from './mem-series.ts';
import { SeriesIndex } from './series-index.ts';
import { SeriesLookup } from './series-lookup.ts';
import type { MetaState, TsdbDbs } from './tsdb-dbs.ts';
import { decodeWalRecord } from './wal-record.ts';

/** What the store counts since it opened; the status page and logs report them. */
export interface TsdbCounters {
  samplesAppended: number;
  /** Appended samples that went to the out-of-order buffer (late, or a timestamp written again). */
  samplesOutOfOrder: number;
  /** Refused: older than the out-of-order window or the retention time (Prometheus' out-of-bounds samples). */
  samplesTooOld: number;
  /** Refused: their series would have been new and their source is at its series limit. */
  samplesSeriesLimited: number;
  seriesCreated: number;
  seriesRemoved: number;
  checkpoints: number;
  /** Stored chunks merged away by compaction, and chunks it wrote. */
  chunksCompacted: number;
  chunksWrittenByCompaction: number;
  /** Chunks and samples retention deleted. */
  chunksDeleted: number;
  samplesDeleted: number;
}

/** Everything the store holds in memory: series, index, heads, and the positions of the WAL and chunk numbers. */
export class TsdbState {
  readonly series = new Map<number, MemSeries>();
  readonly byLabels = new SeriesLookup<MemSeries>();
  readonly index = new SeriesIndex();
  readonly seriesPerSource = new Map<string, number>();
  /** Sources whose limit refused a series and has not been below it since: logged once per episode. */
  readonly limitedSources = new Set<string>();
  readonly dirty = new Set<MemSeries>();
  readonly compactCandidates = new Set<number>();
  readonly counters: TsdbCounters = {
    samplesAppended: 0,
    samplesOutOfOrder: 0,
    samplesTooOld: 0,
    samplesSeriesLimited: 0,
    seriesCreated: 0,
    seriesRemoved: 0,
    checkpoints: 0,
    chunksCompacted: 0,
    chunksWrittenByCompaction: 0,
    chunksDeleted: 0,
    samplesDeleted: 0,
  };
  nextSeriesId = 1;
  chunkSeq = 1;
  /** Chunks and samples in the chunks database (as of the writes queued so far). */
  stored = { chunks: 0, samples: 0 };
  /** WAL keys are consecutive: [walFirst, walNext) are on disk or queued. */
  walFirst = 1;
  walNext = 1;
  /** Bytes of WAL records since the last checkpoint: a checkpoint comes early when they pile up. */
  walBytes = 0;
  readonly nextSeq = (): number => this.chunkSeq++;

  addSeries(s: MemSeries): void {
    this.series.set(s.id, s);
    this.byLabels.add(s);
    this.index.add(s.id, s.labels);
    this.seriesPerSource.set(s.source, (this.seriesPerSource.get(s.source) ?? 0) + 1);
  }

  /** Forgets series entirely; their sources regain room under their limits. */
  removeSeries(gone: readonly MemSeries[], maxSeriesPerSource: number): void {
    const labels = new Map<number, Labels>();
    for (const s of gone) {
      this.series.delete(s.id);
      this.byLabels.delete(s);
      this.dirty.delete(s);
      this.compactCandidates.delete(s.id);
      labels.set(s.id, s.labels);
      const left = (this.seriesPerSource.get(s.source) ?? 1) - 1;
      if (left === 0) this.seriesPerSource.delete(s.source);
      else this.seriesPerSource.set(s.source, left);
      if (left < maxSeriesPerSource) this.limitedSources.delete(s.source);
    }
    this.index.removeMany(labels);
    this.counters.seriesRemoved += gone.length;
  }

  /** Appends one accepted sample: in order when newer than the series' newest, else to its out-of-order buffer. */
  apply(s: MemSeries, t: number, v: number, stale: boolean): void {
    if (t > s.maxT) s.appendInOrder(t, v, stale, this.nextSeq);
    else {
      s.appendOutOfOrder(t, v, stale, this.nextSeq);
      this.counters.samplesOutOfOrder++;
    }
    this.counters.samplesAppended++;
    this.dirty.add(s);
  }

  metaState(): MetaState {
    return { chunkSeq: this.chunkSeq, nextSeriesId: this.nextSeriesId, chunks: this.stored.chunks, samples: this.stored.samples };
  }
}

/**
 * Rebuilds the memory from LMDB: series and index from the series table, heads from their records, then the WAL
 * replayed onto them in order (STORAGE.md, "Opening"). Synchronous: nothing may write while it runs.
 */
export function loadState(dbs: TsdbDbs): TsdbState {
  const state = new TsdbState();
  const meta = dbs.meta.get('state');
  if (meta !== undefined) {
    state.chunkSeq = meta.chunkSeq;
    state.nextSeriesId = meta.nextSeriesId;
    state.stored = { chunks: meta.chunks, samples: meta.samples };
  }
  const heads = new Map<number, HeadRecord>();
  for (const { key, value } of dbs.heads.getRange()) heads.set(key, decodeHeadRecord(value));
  for (const { key, value } of dbs.series.getRange()) {
    state.addSeries(new MemSeries(key, value.labels, value.source, heads.get(key)));
    if (key >= state.nextSeriesId) state.nextSeriesId = key + 1;
  }
  for (const id of dbs.compact.getKeys()) state.compactCandidates.add(id);
  let first = true;
  for (const { key, value } of dbs.wal.getRange()) {
    if (first) state.walFirst = key;
    first = false;
    const record = decodeWalRecord(value);
    for (let i = 0; i < record.t.length; i++) {
      // Never expected (retention removes only series with nothing in the WAL), but a stray id must not stop open.
      const s = state.series.get(record.ids[i] as number);
      if (s !== undefined) state.apply(s, record.t[i] as number, record.v[i] as number, record.stale[i] === 1);
    }
    state.walNext = key + 1;
    state.walBytes += value.length;
  }
  if (first) state.walFirst = state.walNext;
  // Replay is not new ingestion.
  state.counters.samplesAppended = 0;
  state.counters.samplesOutOfOrder = 0;
  return state;
}
