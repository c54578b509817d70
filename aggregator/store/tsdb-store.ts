import type { Sample } from '../../protocol/batch.ts';
import { sortedPairs, type Labels } from '../../protocol/labels.ts';
import type { Logger } from '../../protocol/log.ts';
import type { Matcher } from '../../promql/matcher.ts';
import { compareLabelPairs } from '../../promql/memory-storage.ts';
import type { SelectedSeries } from '../../promql/queryable.ts';
import { checkpoint } from './checkpoint.ts';
import { compact } from './compaction.ts';
import type { MemSeries } from './mem-series.ts';
import { union } from './postings.ts';
import { deleteBefore, enforceSize, pruneSeen, type MaintenanceContext } from './retention.ts';
import { hasSampleIn, readColumns } from './sample-read.ts';
import type { AppendOutcome, Storage, TimeRange } from './storage.ts';
import { applySamples, type AppendRules } from './tsdb-append.ts';
import { openDbs } from './tsdb-dbs.ts';
import { loadState, type TsdbCounters, type TsdbState } from './tsdb-state.ts';
import { tsdbStatus, type TsdbStatus } from './tsdb-stats.ts';

export interface TsdbOptions {
  /** Samples up to this far behind their series' newest sample are accepted late (Prometheus' out_of_order_time_window). */
  readonly outOfOrderWindowMs: number;
  /** Data older than this is deleted, and refused on arrival; 0 keeps data of any age. */
  readonly retentionMs: number;
  /** The oldest chunks are deleted while the store's databases take more bytes than this; 0 for no bound. */
  readonly retentionBytes: number;
  /** New series beyond this many per source (agent, or remote_write sender) are refused. */
  readonly maxSeriesPerSource: number;
  /** A checkpoint runs as soon as this many bytes of WAL records piled up since the last. */
  readonly checkpointWalBytes: number;
  readonly log: Logger;
  readonly now: () => number;
}

const SILENT: Logger = { info: () => {}, warn: () => {}, error: () => {} };

export const DEFAULT_TSDB: TsdbOptions = {
  // Agents buffer for days: a backlog a week old still goes in.
  outOfOrderWindowMs: 7 * 86_400_000,
  retentionMs: 0,
  retentionBytes: 0,
  maxSeriesPerSource: 100_000,
  checkpointWalBytes: 64 * 1024 * 1024,
  log: SILENT,
  now: Date.now,
};

/** The aggregator's TSDB: the Storage contract plus what its status page and scheduled job use. */
export interface TsdbStore extends Storage {
  /** Prometheus' /api/v1/status/tsdb figures, each list cut to `limit` entries. */
  status(limit: number): TsdbStatus;
  /** The scheduled job: checkpoint, retention by time and size, compaction, old dedupe records pruned. */
  maintain(): Promise<void>;
  readonly counters: Readonly<TsdbCounters>;
}

const DUPLICATE: AppendOutcome = { status: 'duplicate', samples: 0, newSeries: 0, tooOld: 0, seriesLimited: 0 };

/** Opens (or creates) the store at `path` and rebuilds its memory (STORAGE.md, "Opening"). */
export async function openTsdbStore(path: string, options: Partial<TsdbOptions> = {}): Promise<TsdbStore> {
  const opts: TsdbOptions = { ...DEFAULT_TSDB, ...options };
  const { log, now } = opts;
  const dbs = openDbs(path);
  let state: TsdbState = loadState(dbs);
  // What was replayed goes into a checkpoint at once: a crash loop then never replays a growing WAL.
  if (state.walBytes > 0) await checkpoint(state, dbs);
  /** Commits not yet settled: a reload or close waits for them. */
  const writes = new Set<Promise<unknown>>();
  /** (agent, seq) of batches whose commit is under way: a resend meanwhile is a duplicate once it lands. */
  const committing = new Map<string, Promise<AppendOutcome>>();
  let broken: Promise<void> | undefined;
  let maintaining: Promise<void> | undefined;
  let earlyCheckpoint: Promise<void> | undefined;
  let closing: Promise<void> | undefined;
  const ctx = (): MaintenanceContext => ({ state, dbs, maxSeriesPerSource: opts.maxSeriesPerSource });

  const track = <T>(p: Promise<T>): Promise<T> => {
    writes.add(p);
    const settle = () => writes.delete(p);
    p.then(settle, settle);
    return p;
  };

  /**
   * A commit failed, so memory holds what the disk may not: rebuild it from the disk once every write under way
   * has settled. Appends wait for this; the agents resend what was not acknowledged.
   */
  function failed(err: unknown): void {
    if (broken !== undefined) return;
    log.error(`storage commit failed, rebuilding the in-memory head from disk: ${(err as Error).message}`);
    broken = (async () => {
      await maintaining?.catch(() => {});
      await Promise.allSettled([...writes]);
      state = loadState(dbs);
      broken = undefined;
    })();
  }

  const rules = (): AppendRules => ({
    outOfOrderWindowMs: opts.outOfOrderWindowMs,
    oldestAcceptedT: opts.retentionMs > 0 ? now() - opts.retentionMs : -Infinity,
    maxSeriesPerSource: opts.maxSeriesPerSource,
    onLimitReached: (source, limit) =>
      log.warn(`${source} has ${limit} series, its limit: samples of new series are refused (counted) until retention removes some of its series`),
  });

  /** Applies to memory now, in call order; resolves once the WAL record (and dedupe record) is flushed to disk. */
  async function write(source: string, series: readonly Labels[], samples: readonly Sample[], seen?: [string, number]): Promise<AppendOutcome> {
    if (broken !== undefined) await broken;
    const applied = applySamples(state, source, series, samples, rules());
    const walKey = applied.record !== undefined ? state.walNext++ : undefined;
    state.walBytes += applied.record?.length ?? 0;
    const entries = applied.created.map((s) => [s.id, { labels: s.labels, source: s.source }] as const);
    const stamp = now();
    const commit = track(
      dbs.root
        .transaction(() => {
          if (seen !== undefined) dbs.seen.put(seen, stamp);
          for (const [id, entry] of entries) dbs.series.put(id, entry);
          if (walKey !== undefined) dbs.wal.put(walKey, applied.record as Buffer);
        })
        .then(() => dbs.root.flushed),
    );
    if (state.walBytes >= opts.checkpointWalBytes && earlyCheckpoint === undefined) {
      earlyCheckpoint = track(checkpoint(state, dbs))
        .catch(failed)
        .finally(() => (earlyCheckpoint = undefined));
    }
    try {
      await commit;
    } catch (err) {
      failed(err);
      throw err;
    }
    return { status: 'stored', samples: applied.samples, newSeries: applied.created.length, tooOld: applied.tooOld, seriesLimited: applied.seriesLimited };
  }

  function matching(selectors: readonly (readonly Matcher[])[], range: TimeRange | undefined): MemSeries[] {
    const ids = selectors.length === 0 ? state.index.allIds() : union(selectors.map((m) => state.index.resolve(m)));
    const out: MemSeries[] = [];
    for (const id of ids) {
      const s = state.series.get(id) as MemSeries;
      if (range === undefined || hasSampleIn(dbs.chunks, s, Math.ceil(range.mint), Math.floor(range.maxt))) out.push(s);
    }
    return out;
  }

  async function maintenance(): Promise<void> {
    await checkpoint(state, dbs);
    const start = now();
    if (opts.retentionMs > 0) await deleteBefore(ctx(), start - opts.retentionMs, true);
    if (opts.retentionBytes > 0) await enforceSize(ctx(), opts.retentionBytes);
    await compact(ctx());
    if (opts.retentionMs > 0) await pruneSeen(dbs, start - opts.retentionMs);
  }

  return {
    get counters() {
      return state.counters;
    },

    appendBatch(batch) {
      const key = `${batch.agent}\u0000${batch.seq}`;
      const under = committing.get(key);
      if (under !== undefined) return under.then(() => DUPLICATE);
      if (dbs.seen.get([batch.agent, batch.seq]) !== undefined) return Promise.resolve(DUPLICATE);
      const outcome = write(batch.agent, batch.series, batch.samples, [batch.agent, batch.seq]);
      committing.set(key, outcome);
      const settle = () => committing.delete(key);
      outcome.then(settle, settle);
      return outcome;
    },

    appendSamples(source, series, samples) {
      return write(source, series, samples);
    },

    hasBatch(agent, seq) {
      return dbs.seen.get([agent, seq]) !== undefined;
    },

    *select(matchers: readonly Matcher[], mint: number, maxt: number): Iterable<SelectedSeries> {
      // (mint, maxt] over integer timestamps.
      const lo = Math.floor(mint) + 1;
      const hi = Math.floor(maxt);
      for (const id of state.index.resolve(matchers)) {
        const s = state.series.get(id);
        if (s === undefined) continue;
        const columns = readColumns(dbs.chunks, s, lo, hi);
        if (columns.ts.length > 0) yield { labels: s.labels, ...columns };
      }
    },

    series(selectors, range) {
      return matching(selectors, range)
        .map((s) => ({ labels: s.labels, pairs: sortedPairs(s.labels) }))
        .sort((a, b) => compareLabelPairs(a.pairs, b.pairs))
        .map((s) => s.labels);
    },

    labelNames(selectors, range) {
      if (selectors.length === 0 && range === undefined) return state.index.names();
      const names = new Set<string>();
      for (const s of matching(selectors, range)) for (const name of Object.keys(s.labels)) names.add(name);
      return [...names].sort();
    },

    labelValues(name, selectors, range) {
      const values = new Set<string>();
      if (selectors.length === 0 && range === undefined) for (const value of state.index.valuesOf(name).keys()) values.add(value);
      else {
        for (const s of matching(selectors, range)) {
          const value = s.labels[name];
          if (value !== undefined) values.add(value);
        }
      }
      values.delete('');
      return [...values].sort();
    },

    status(limit) {
      return tsdbStatus(state, dbs, limit);
    },

    maintain() {
      maintaining ??= (async () => {
        if (broken !== undefined) await broken;
        await maintenance();
      })()
        .catch((err: unknown) => {
          failed(err);
          throw err;
        })
        .finally(() => (maintaining = undefined));
      return maintaining;
    },

    close() {
      closing ??= (async () => {
        await maintaining?.catch(() => {});
        if (broken !== undefined) await broken;
        await Promise.allSettled([...writes]);
        // A clean close leaves an empty WAL, so the next open has nothing to replay.
        await checkpoint(state, dbs);
        await dbs.root.close();
      })();
      return closing;
    },
  };
}
