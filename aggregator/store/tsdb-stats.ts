import { METRIC_NAME } from '../../protocol/labels.ts';
import { chunkKey, MIN_T, parseChunkKey } from './chunk-layout.ts';
import { chunkBytes, usedBytes, type TsdbDbs } from './tsdb-dbs.ts';
import type { TsdbCounters, TsdbState } from './tsdb-state.ts';

export interface TsdbStat {
  readonly name: string;
  readonly value: number;
}

/** Prometheus' /api/v1/status/tsdb data (web/api/v1 TSDBStatus), plus Outpost's storage figures. */
export interface TsdbStatus {
  readonly headStats: {
    readonly numSeries: number;
    readonly numLabelPairs: number;
    readonly chunkCount: number;
    /** Oldest and newest sample times in ms; undefined when nothing is stored. */
    readonly minTime: number | undefined;
    readonly maxTime: number | undefined;
  };
  readonly seriesCountByMetricName: TsdbStat[];
  readonly labelValueCountByLabelName: TsdbStat[];
  readonly memoryInBytesByLabelName: TsdbStat[];
  readonly seriesCountByLabelValuePair: TsdbStat[];
  /** Samples held, in stored chunks and in memory. */
  readonly samples: number;
  /** Pages in use by the store's databases, in bytes. */
  readonly bytes: number;
  /** Bytes of the chunks database per sample stored in it: compression plus LMDB's keys and page slack. */
  readonly bytesPerSample: number;
  readonly counters: Readonly<TsdbCounters>;
}

/** The highest counts first; equal counts by name, so the answer does not change from call to call. */
function top(entries: Iterable<readonly [string, number]>, limit: number): TsdbStat[] {
  return [...entries]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, limit)
    .map(([name, value]) => ({ name, value }));
}

/** Bytes a string takes in Prometheus' label encoding: its UTF-8 length as a varint, then the bytes. */
function encodedSize(s: string): number {
  const n = Buffer.byteLength(s);
  let prefix = 1;
  for (let rest = n >>> 7; rest > 0; rest >>>= 7) prefix++;
  return n + prefix;
}

export function tsdbStatus(state: TsdbState, dbs: TsdbDbs, limit: number): TsdbStatus {
  const { index } = state;
  const byMetric: [string, number][] = [];
  const valueCounts: [string, number][] = [];
  const memory: [string, number][] = [];
  const pairs: [string, number][] = [];
  let numLabelPairs = 0;
  for (const name of index.names()) {
    const values = index.valuesOf(name);
    numLabelPairs += values.size;
    valueCounts.push([name, values.size]);
    let bytes = 0;
    for (const [value, ids] of values) {
      if (name === METRIC_NAME) byMetric.push([value, ids.length]);
      pairs.push([`${name}=${value}`, ids.length]);
      // As Prometheus' labels.SizeOfLabels: the space of one copy of the label per series carrying it.
      bytes += (encodedSize(name) + encodedSize(value)) * ids.length;
    }
    memory.push([name, bytes]);
  }

  let minTime = Infinity;
  let maxTime = -Infinity;
  let chunkCount = state.stored.chunks;
  let memorySamples = 0;
  for (const s of state.series.values()) {
    for (const key of dbs.chunks.getKeys({ start: chunkKey(s.id, MIN_T, 0), end: chunkKey(s.id + 1, MIN_T, 0), limit: 1 })) {
      minTime = Math.min(minTime, parseChunkKey(key).minT);
    }
    const head = s.headChunk();
    if (head !== undefined) {
      chunkCount++;
      memorySamples += s.headSamples();
      minTime = Math.min(minTime, head.minT);
    }
    const ooo = s.oooBuffer();
    if (ooo !== undefined) {
      chunkCount++;
      memorySamples += ooo.length;
      minTime = Math.min(minTime, ooo.minT);
    }
    for (const c of s.pending) {
      if (c.persisting) continue;
      chunkCount++;
      memorySamples += c.samples;
      minTime = Math.min(minTime, c.minT);
    }
    // Late samples are never newer than the series' newest in-order one.
    maxTime = Math.max(maxTime, s.maxT);
  }
  const stored = state.stored.samples;
  return {
    headStats: {
      numSeries: index.size,
      numLabelPairs,
      chunkCount,
      minTime: minTime === Infinity ? undefined : minTime,
      maxTime: maxTime === -Infinity ? undefined : maxTime,
    },
    seriesCountByMetricName: top(byMetric, limit),
    labelValueCountByLabelName: top(valueCounts, limit),
    memoryInBytesByLabelName: top(memory, limit),
    seriesCountByLabelValuePair: top(pairs, limit),
    samples: stored + memorySamples,
    bytes: usedBytes(dbs),
    bytesPerSample: stored > 0 ? chunkBytes(dbs) / stored : 0,
    counters: { ...state.counters },
  };
}
