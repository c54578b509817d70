import { open, type Database, type RootDatabase } from 'lmdb';
import type { Labels } from '../../protocol/labels.ts';

/** A series table entry. */
export interface SeriesEntry {
  readonly labels: Labels;
  readonly source: string;
}

/** Counters kept with the chunks they count, so the status page needs no scan. */
export interface MetaState {
  /** The next chunk sequence number. */
  readonly chunkSeq: number;
  /** The next series id: ids are never reused, even after retention removed a series. */
  readonly nextSeriesId: number;
  /** Chunks and samples in the chunks database. */
  readonly chunks: number;
  readonly samples: number;
}

/** The LMDB environment and its named databases (STORAGE.md, "On disk"). */
export interface TsdbDbs {
  readonly root: RootDatabase;
  readonly series: Database<SeriesEntry, number>;
  readonly chunks: Database<Buffer, Buffer>;
  readonly heads: Database<Buffer, number>;
  readonly wal: Database<Buffer, number>;
  readonly seen: Database<number, [string, number]>;
  readonly meta: Database<MetaState, string>;
  /** Series with stored out-of-order chunks that compaction has yet to merge. */
  readonly compact: Database<boolean, number>;
}

export function openDbs(path: string): TsdbDbs {
  const root = open({ path });
  return {
    root,
    series: root.openDB({ name: 'tsdb.series', keyEncoding: 'uint32' }),
    chunks: root.openDB({ name: 'tsdb.chunks', keyEncoding: 'binary', encoding: 'binary' }),
    heads: root.openDB({ name: 'tsdb.heads', keyEncoding: 'uint32', encoding: 'binary' }),
    wal: root.openDB({ name: 'tsdb.wal', encoding: 'binary' }),
    seen: root.openDB({ name: 'tsdb.seen' }),
    meta: root.openDB({ name: 'tsdb.meta' }),
    compact: root.openDB({ name: 'tsdb.compact', keyEncoding: 'uint32' }),
  };
}

/** Bytes of pages the store's databases occupy (free pages, which LMDB reuses, not counted). */
export function usedBytes(dbs: TsdbDbs): number {
  let pages = 0;
  let pageSize = 4096;
  for (const db of [dbs.series, dbs.chunks, dbs.heads, dbs.wal, dbs.seen, dbs.meta, dbs.compact]) {
    const s = db.getStats() as { pageSize: number; treeBranchPageCount: number; treeLeafPageCount: number; overflowPages: number };
    pageSize = s.pageSize;
    pages += s.treeBranchPageCount + s.treeLeafPageCount + s.overflowPages;
  }
  return pages * pageSize;
}

/** Bytes of the chunks database alone: what bytes per sample is measured on. */
export function chunkBytes(dbs: TsdbDbs): number {
  const s = dbs.chunks.getStats() as { pageSize: number; treeBranchPageCount: number; treeLeafPageCount: number; overflowPages: number };
  return (s.treeBranchPageCount + s.treeLeafPageCount + s.overflowPages) * s.pageSize;
}
