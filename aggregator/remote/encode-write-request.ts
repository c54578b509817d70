import protobuf from 'protobufjs/minimal.js';
import { sortedPairs, type Labels } from '../../protocol/labels.ts';
import { valueWords } from './stale-marker.ts';

export interface OutgoingSeries {
  readonly labels: Labels;
  /** In timestamp order: remote write 1.0 requires it per series. */
  readonly samples: readonly { readonly t: number; readonly v: number; readonly stale: boolean }[];
}

// Tags: field number << 3 | wire type.
const TIMESERIES = (1 << 3) | 2;
const LABELS = (1 << 3) | 2;
const SAMPLES = (2 << 3) | 2;
const LABEL_NAME = (1 << 3) | 2;
const LABEL_VALUE = (2 << 3) | 2;
const SAMPLE_VALUE = (1 << 3) | 1;
const SAMPLE_TIMESTAMP = (2 << 3) | 0;

/**
 * A prometheus.WriteRequest with labels sorted by name (remote write 1.0, "Labels"). Stale samples get the marker's
 * exact bits, written as two 32-bit words rather than through a Number.
 */
export function encodeWriteRequest(series: readonly OutgoingSeries[]): Uint8Array {
  const w = protobuf.Writer.create();
  for (const s of series) {
    w.uint32(TIMESERIES).fork();
    for (const [name, value] of sortedPairs(s.labels)) {
      w.uint32(LABELS).fork().uint32(LABEL_NAME).string(name).uint32(LABEL_VALUE).string(value).ldelim();
    }
    for (const sample of s.samples) {
      w.uint32(SAMPLES).fork().uint32(SAMPLE_VALUE);
      const words = valueWords(sample.v, sample.stale);
      if (words) w.fixed32(words[0]).fixed32(words[1]);
      else w.double(sample.v);
      w.uint32(SAMPLE_TIMESTAMP).int64(sample.t).ldelim();
    }
    w.ldelim();
  }
  return w.finish();
}
