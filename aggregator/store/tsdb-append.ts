import type { Sample } from '../../protocol/batch.ts';
import { sortLabels, type Labels } from '../../protocol/labels.ts';
import { MAX_T, MIN_T } from './chunk-layout.ts';
import { MemSeries } from './mem-series.ts';
import type { TsdbState } from './tsdb-state.ts';
import { WalRecordBuilder } from './wal-record.ts';

export interface AppendRules {
  /** A sample this far or more behind its series' newest in-order sample is refused as too old. */
  readonly outOfOrderWindowMs: number;
  /** Samples before this are refused as too old (retention would delete them at once). */
  readonly oldestAcceptedT: number;
  readonly maxSeriesPerSource: number;
  /** Called when a source's limit first refuses a series (once per episode). */
  readonly onLimitReached: (source: string, limit: number) => void;
}

export interface Applied {
  readonly samples: number;
  readonly tooOld: number;
  readonly seriesLimited: number;
  /** Series this append created: their table entries go in the same commit as the WAL record. */
  readonly created: readonly MemSeries[];
  /** The accepted samples as a WAL record; undefined when none was accepted. */
  readonly record: Buffer | undefined;
}

const REFUSED = null;

/**
 * Applies samples to the in-memory head and returns the WAL record that makes them durable (STORAGE.md, "Append").
 * Synchronous, so appends apply in the order they were called and the WAL replays them in that order. A sample is
 * refused when older than the window before its series' newest sample (relative to the series, not the whole
 * store as in Prometheus, so one agent with a clock years ahead cannot lock out everyone else), older than the
 * retention, or outside the timestamps a chunk holds; a new series is refused when its source is at its limit.
 */
export function applySamples(state: TsdbState, source: string, series: readonly Labels[], samples: readonly Sample[], rules: AppendRules): Applied {
  const resolved = new Array<MemSeries | typeof REFUSED | undefined>(series.length);
  const created: MemSeries[] = [];
  const record = new WalRecordBuilder();
  let tooOld = 0;
  let seriesLimited = 0;
  const oldest = Math.max(rules.oldestAcceptedT, MIN_T);
  for (const sample of samples) {
    const { t } = sample;
    let s = resolved[sample.series];
    if (s === REFUSED) {
      seriesLimited++;
      continue;
    }
    if (!(t >= oldest && t <= MAX_T) || !Number.isInteger(t) || (s !== undefined && t < s.maxT - rules.outOfOrderWindowMs)) {
      tooOld++;
      continue;
    }
    if (s === undefined) {
      const labels = series[sample.series] as Labels;
      s = state.byLabels.get(labels);
      if (s === undefined) {
        const count = state.seriesPerSource.get(source) ?? 0;
        if (count >= rules.maxSeriesPerSource) {
          resolved[sample.series] = REFUSED;
          seriesLimited++;
          if (!state.limitedSources.has(source)) {
            state.limitedSources.add(source);
            rules.onLimitReached(source, rules.maxSeriesPerSource);
          }
          continue;
        }
        s = new MemSeries(state.nextSeriesId++, sortLabels(labels), source);
        state.addSeries(s);
        state.counters.seriesCreated++;
        created.push(s);
      } else if (t < s.maxT - rules.outOfOrderWindowMs) {
        resolved[sample.series] = s;
        tooOld++;
        continue;
      }
      resolved[sample.series] = s;
    }
    state.apply(s, t, sample.v, sample.stale);
    record.push(s.id, t, sample.v, sample.stale);
  }
  state.counters.samplesTooOld += tooOld;
  state.counters.samplesSeriesLimited += seriesLimited;
  return { samples: record.length, tooOld, seriesLimited, created, record: record.length > 0 ? record.encode() : undefined };
}
