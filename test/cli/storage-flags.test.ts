import { describe, expect, it } from 'vitest';
import { configFlags } from '../../aggregator/config-view.ts';
import { aggregatorCommand, aggregatorConfigFrom } from '../../cli/aggregator-command.ts';
import { parseFlags, UsageError, type ParsedFlags } from '../../cli/flags.ts';

const config = (...argv: string[]) => aggregatorConfigFrom((parseFlags(aggregatorCommand, argv) as ParsedFlags).values);
const DAY = 86_400_000;

describe("the aggregator's storage flags", () => {
  it('keep 15 days by default, as Prometheus, and no time bound when only a size is given', () => {
    expect(config()).toMatchObject({ storageRetentionMs: 15 * DAY, storageRetentionBytes: 0, storageOutOfOrderWindowMs: 7 * DAY, maxSeriesPerAgent: 100_000 });
    expect(config('--storage.tsdb.retention.size', '512MB')).toMatchObject({ storageRetentionMs: 0, storageRetentionBytes: 512 * 1024 ** 2 });
    expect(config('--storage.tsdb.retention.size', '2GiB', '--storage.tsdb.retention.time', '30d')).toMatchObject({
      storageRetentionMs: 30 * DAY,
      storageRetentionBytes: 2 * 1024 ** 3,
    });
  });

  it('set the out-of-order window and the series limit, and show on the flags page', () => {
    const c = config('--storage.tsdb.out-of-order-time-window', '2d', '--storage.max-series-per-agent', '5000', '--storage.tsdb.retention.size', '10GB');
    expect(c).toMatchObject({ storageOutOfOrderWindowMs: 2 * DAY, maxSeriesPerAgent: 5000 });
    expect(configFlags(c)).toMatchObject({
      'storage.tsdb.out-of-order-time-window': '2d',
      'storage.max-series-per-agent': '5000',
      'storage.tsdb.retention.size': '10GiB',
      'storage.tsdb.retention.time': '0s',
    });
  });

  it('refuse a size without a proper unit, naming the flag', () => {
    expect(() => config('--storage.tsdb.retention.size', '10 apples')).toThrow(UsageError);
    expect(() => config('--storage.tsdb.retention.size', '10 apples')).toThrow(/--storage.tsdb.retention.size "10 apples"/);
  });
});
