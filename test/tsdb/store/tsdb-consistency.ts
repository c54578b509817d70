import { chunkSamples, decodeHeadRecord, parseChunkKey, parseChunkValue } from '../../../aggregator/store/chunk-layout.ts';
import { openDbs } from '../../../aggregator/store/tsdb-dbs.ts';
import { loadState } from '../../../aggregator/store/tsdb-state.ts';
import { ChunkIterator } from '../../../aggregator/store/tsdb/index.ts';
import { makeMatcher } from '../../../promql/matcher.ts';

export interface StoreCheck {
  readonly series: number;
  readonly chunks: number;
  readonly oooChunks: number;
  readonly samples: number;
  /** Everything found wrong, one line each; empty for a consistent store. */
  readonly problems: string[];
}

/**
 * Reads a closed (or crashed) store's files directly and checks what the store relies on: every chunk decodes, with
 * the sample count, first and last timestamp its key and value claim, within the 4 h span, and belongs to a series
 * in the table; every head record decodes and belongs to a series; the counters match; and the index rebuilt at
 * open gives, for every label pair, exactly the series that carry it.
 */
export async function checkStore(path: string): Promise<StoreCheck> {
  const dbs = openDbs(path);
  const problems: string[] = [];
  try {
    const ids = new Set<number>(dbs.series.getKeys());
    let chunks = 0;
    let oooChunks = 0;
    let samples = 0;
    for (const { key, value } of dbs.chunks.getRange()) {
      const k = parseChunkKey(key);
      const v = parseChunkValue(value);
      const where = `chunk (series ${k.id}, minT ${k.minT}, seq ${k.seq})`;
      chunks++;
      if (v.ooo) oooChunks++;
      if (!ids.has(k.id)) problems.push(`${where} belongs to no series`);
      try {
        const it = new ChunkIterator(v.chunk);
        let n = 0;
        let first = NaN;
        let last = NaN;
        while (it.next()) {
          if (n++ === 0) first = it.t;
          last = it.t;
        }
        samples += n;
        if (n !== chunkSamples(v.chunk) || n === 0) problems.push(`${where} holds ${n} samples`);
        if (first !== k.minT || last !== v.maxT) problems.push(`${where} runs ${first}..${last}, its record says ${k.minT}..${v.maxT}`);
        if (last - first >= 4 * 3_600_000) problems.push(`${where} spans more than 4 h`);
      } catch (err) {
        problems.push(`${where} does not decode: ${(err as Error).message}`);
      }
    }
    for (const { key, value } of dbs.heads.getRange()) {
      if (!ids.has(key)) problems.push(`head record of series ${key} belongs to no series`);
      try {
        const record = decodeHeadRecord(value);
        for (const chunk of [record.head, record.ooo]) {
          if (chunk === undefined) continue;
          const it = new ChunkIterator(chunk);
          while (it.next());
        }
      } catch (err) {
        problems.push(`head record of series ${key} does not decode: ${(err as Error).message}`);
      }
    }
    const meta = dbs.meta.get('state');
    if (meta !== undefined && (meta.chunks !== chunks || meta.samples !== samples)) {
      problems.push(`counters say ${meta.chunks} chunks, ${meta.samples} samples; found ${chunks}, ${samples}`);
    }
    const state = loadState(dbs);
    for (const name of state.index.names()) {
      for (const [value, postings] of state.index.valuesOf(name)) {
        const scanned = [...state.series.values()].filter((s) => s.labels[name] === value).map((s) => s.id);
        if (JSON.stringify(scanned) !== JSON.stringify(postings)) problems.push(`postings of ${name}=${JSON.stringify(value)} differ from the series table`);
        // `x=""` also matches series without x, so only non-empty values resolve to exactly their postings.
        if (value !== '' && JSON.stringify(state.index.resolve([makeMatcher('=', name, value)])) !== JSON.stringify(scanned)) problems.push(`${name}=${JSON.stringify(value)} resolves wrongly`);
      }
    }
    return { series: ids.size, chunks, oooChunks, samples, problems };
  } finally {
    await dbs.root.close();
  }
}
