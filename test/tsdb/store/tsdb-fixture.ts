import { afterEach, beforeEach } from 'vitest';
import { openTsdbStore, type TsdbOptions, type TsdbStore } from '../../../aggregator/store/tsdb-store.ts';
import { buildBatch, type CollectedSample } from '../../../protocol/batch.ts';
import type { Labels } from '../../../protocol/labels.ts';
import type { Logger } from '../../../protocol/log.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { T } from './storage-contract.ts';

/** A TSDB store in a fresh directory per test, with a settable clock, captured log lines and numbered batches. */
export interface TsdbFixture {
  readonly path: string;
  readonly lines: string[];
  clock: number;
  open(options?: Partial<TsdbOptions>): Promise<TsdbStore>;
  /** Closes the store and opens it again with `options`. */
  reopen(options?: Partial<TsdbOptions>): Promise<TsdbStore>;
  /** Sends samples as the next batch of `agent`. */
  send(samples: readonly CollectedSample[], agent?: string): ReturnType<TsdbStore['appendBatch']>;
}

export function useTsdbFixture(): TsdbFixture {
  let dir: ReturnType<typeof tempDir>;
  let store: TsdbStore | undefined;
  let seq = 0;
  const lines: string[] = [];
  const log: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
  const fixture: TsdbFixture = {
    get path() {
      return dir.path;
    },
    lines,
    clock: T,
    async open(options = {}) {
      store = await openTsdbStore(dir.path, { log, now: () => fixture.clock, ...options });
      return store;
    },
    async reopen(options = {}) {
      await store?.close();
      store = undefined;
      return fixture.open(options);
    },
    send(samples, agent = 'a1') {
      if (store === undefined) throw new Error('open the store first');
      return store.appendBatch(buildBatch(agent, ++seq, samples));
    },
  };
  beforeEach(() => {
    dir = tempDir('tsdb');
    lines.length = 0;
    fixture.clock = T;
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
    dir.remove();
  });
  return fixture;
}

/** `n` samples of one series from `from`, `stepMs` apart, valued by `value(i)`. */
export function run(labels: Labels, n: number, from: number, stepMs: number, value: (i: number) => number, stale = false): CollectedSample[] {
  return Array.from({ length: n }, (_, i) => ({ labels, t: from + i * stepMs, v: value(i), stale }));
}
