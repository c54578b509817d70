import type { CollectedSample } from '../../protocol/batch.ts';

/** Something the agent runs every interval; `now` (ms since epoch) stamps every sample it returns. */
export interface Collector {
  readonly name: string;
  /** Rejects when its source cannot be read on this host; collectAll() logs that once and carries on. */
  collect(now: number): Promise<CollectedSample[]>;
}

/** Prometheus' TYPE and HELP for one metric family, as the reference exporter writes them. */
export interface MetricMeta {
  readonly type: 'counter' | 'gauge';
  readonly help: string;
}

/** One line to the agent's log. */
export type CollectLog = (line: string) => void;
