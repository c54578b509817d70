import type { Sample } from '../../protocol/batch.ts';
import { formatSeries, labelsKey, labelsProblem, type Labels } from '../../protocol/labels.ts';
import type { RemoteSeries, WriteRequest } from './write-request.ts';

/** Prometheus' receiver refuses samples this far past its clock as out of bounds (write_handler.go, maxAheadTime). */
export const MAX_AHEAD_MS = 10 * 60_000;

/** Samples of a decodable request that cannot be stored, by reason. */
export interface Refused {
  /** Samples of series whose label set breaks the data model or Outpost's label bounds. */
  invalidLabels: number;
  /** Samples stamped more than MAX_AHEAD_MS after the receiver's clock. */
  tooFarAhead: number;
  /** Native histogram samples: Outpost's store holds floats only. */
  histograms: number;
}

/** What a request holds that the store may take, in Storage.appendSamples' shape, and what it refused. */
export interface AcceptedRequest {
  readonly series: Labels[];
  readonly samples: Sample[];
  readonly refused: Refused;
  /** One line per series with invalid labels, the first few only (a broken sender repeats the same mistake). */
  readonly labelProblems: string[];
  /** Exemplars and metadata entries, which Outpost does not keep; they never make a request fail. */
  readonly ignored: { exemplars: number; metadata: number };
}

const MAX_PROBLEMS = 5;

/**
 * Validates every series of a decoded request. A series with invalid labels is left out whole, the rest is kept:
 * remote write 1.0 lets a receiver ingest the valid samples of a request that also holds invalid ones, as long as
 * it answers 400.
 */
export function acceptRequest(req: WriteRequest, nowMs: number): AcceptedRequest {
  const series: Labels[] = [];
  const samples: Sample[] = [];
  const refused: Refused = { invalidLabels: 0, tooFarAhead: 0, histograms: 0 };
  const labelProblems: string[] = [];
  const index = new Map<string, number>();
  let exemplars = 0;
  const maxT = nowMs + MAX_AHEAD_MS;
  for (const ts of req.series) {
    exemplars += ts.exemplars;
    refused.histograms += ts.histograms;
    if (ts.samples.length === 0) continue;
    const labels = toLabels(ts);
    if (typeof labels === 'string') {
      refused.invalidLabels += ts.samples.length;
      if (labelProblems.length < MAX_PROBLEMS) labelProblems.push(labels);
      continue;
    }
    const key = labelsKey(labels);
    let i = index.get(key);
    if (i === undefined) {
      i = series.length;
      index.set(key, i);
      series.push(labels);
    }
    for (const s of ts.samples) {
      if (s.t > maxT) refused.tooFarAhead++;
      else samples.push({ series: i, t: s.t, v: s.v, stale: s.stale });
    }
  }
  return { series, samples, refused, labelProblems, ignored: { exemplars, metadata: req.metadata } };
}

/**
 * The label set, or why it is invalid. A label with an empty value is dropped: in Prometheus' model it is the same
 * as no label (remote write 1.0 forbids sending one, and PromQL cannot tell the two apart).
 */
function toLabels(ts: RemoteSeries): Labels | string {
  const labels: Record<string, string> = {};
  const seen = new Set<string>();
  const shown = () => formatSeries(Object.fromEntries(ts.labels.filter(([, v]) => v !== '')));
  for (const [name, value] of ts.labels) {
    if (name === '') return `invalid labels for series ${shown()}: a label name is empty`;
    if (seen.has(name)) return `invalid labels for series ${shown()}: duplicate label name ${JSON.stringify(name)}`;
    seen.add(name);
    if (value !== '') labels[name] = value;
  }
  const problem = labelsProblem(labels);
  return problem === undefined ? labels : `invalid labels for series ${shown()}: ${problem}`;
}
