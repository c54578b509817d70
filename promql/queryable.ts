import type { Labels } from '../protocol/labels.ts';
import type { SampleColumns } from './columns.ts';
import type { Matcher } from './matcher.ts';

/** One selected series: its samples with mint < t <= maxt, ascending, at most one per timestamp, as columns. */
export interface SelectedSeries extends SampleColumns {
  readonly labels: Labels;
}

/** What the engine needs from storage: the aggregator's TSDB and the agent's local window both provide it. */
export interface Queryable {
  select(matchers: readonly Matcher[], mint: number, maxt: number): Iterable<SelectedSeries>;
}
