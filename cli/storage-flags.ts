import { DEFAULT_AGGREGATOR, type AggregatorConfig } from '../aggregator/config.ts';
import type { FlagSpecs, FlagValues } from './flags.ts';

/** The TSDB's bounds: aggregator/store/STORAGE.md. */
export const storageFlags = {
  'storage.tsdb.retention.time': {
    kind: 'duration',
    description: 'how long to keep samples (as Prometheus: 15d when neither this nor --storage.tsdb.retention.size is given)',
  },
  'storage.tsdb.retention.size': {
    kind: 'bytes',
    description: 'most bytes the store may take, oldest data deleted first (units B, KB, MB, GB, TB: powers of 1024)',
  },
  'storage.tsdb.out-of-order-time-window': {
    kind: 'duration',
    description: 'how far behind its series\' newest sample a late sample is still stored; older ones are refused and counted',
    default: `${DEFAULT_AGGREGATOR.storageOutOfOrderWindowMs / 86_400_000}d`,
  },
  'storage.max-series-per-agent': {
    kind: 'count',
    description: 'new series beyond this many per agent (or remote write sender) are refused and counted, never evicting others',
    default: DEFAULT_AGGREGATOR.maxSeriesPerAgent,
  },
} satisfies FlagSpecs;

export type StorageSettings = Pick<AggregatorConfig, 'storageRetentionMs' | 'storageRetentionBytes' | 'storageOutOfOrderWindowMs' | 'maxSeriesPerAgent'>;

export function storageFrom(values: FlagValues): StorageSettings {
  const time = values['storage.tsdb.retention.time'] as number | undefined;
  const size = values['storage.tsdb.retention.size'] as number | undefined;
  return {
    // Prometheus keeps 15 days by default, but a size bound alone means no time bound.
    storageRetentionMs: time ?? (size ? 0 : DEFAULT_AGGREGATOR.storageRetentionMs),
    storageRetentionBytes: size ?? 0,
    storageOutOfOrderWindowMs: values['storage.tsdb.out-of-order-time-window'] as number,
    maxSeriesPerAgent: values['storage.max-series-per-agent'] as number,
  };
}
