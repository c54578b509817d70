import protobuf from 'protobufjs/minimal.js';
import { RemoteWriteError } from './remote-write-error.ts';
import { isStaleMarkerAt } from './stale-marker.ts';

/** One sample of a prometheus.TimeSeries; `stale` when its value carried the staleness marker's exact bits. */
export interface RemoteSample {
  readonly t: number;
  readonly v: number;
  readonly stale: boolean;
}

export interface RemoteSeries {
  /** As sent, in wire order: repeated names and empty values are for the receiver to judge. */
  readonly labels: readonly (readonly [name: string, value: string])[];
  readonly samples: readonly RemoteSample[];
  /** Native histogram samples (field 4): counted, their contents skipped. */
  readonly histograms: number;
  /** Exemplars (field 3): counted, skipped. */
  readonly exemplars: number;
}

/** A decoded prometheus.WriteRequest (prompb/remote.proto, types.proto). */
export interface WriteRequest {
  readonly series: readonly RemoteSeries[];
  /** MetricMetadata entries (field 3), which remote write 1.0 leaves out of the spec: counted, skipped. */
  readonly metadata: number;
}

const VARINT = 0;
const I64 = 1;
const LEN = 2;

type Reader = protobuf.Reader;

/**
 * Reads a WriteRequest. Unknown fields are skipped as protobuf requires; a known field with the wrong wire type, a
 * length past its message's end, field number 0 or a string that is not UTF-8 make the whole body undecodable.
 */
export function decodeWriteRequest(bytes: Uint8Array): WriteRequest {
  const r = protobuf.Reader.create(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const series: RemoteSeries[] = [];
  let metadata = 0;
  try {
    fields(r, (field, wire) => {
      if (field === 1) {
        expectWire(wire, LEN, 'WriteRequest.timeseries');
        series.push(nested(r, () => readTimeSeries(r, view)));
        return true;
      }
      if (field === 3) metadata++;
      return false;
    });
  } catch (err) {
    throw new RemoteWriteError('bad_protobuf', `protobuf: cannot decode prometheus.WriteRequest at byte ${r.pos}: ${(err as Error).message}`);
  }
  return { series, metadata };
}

function readTimeSeries(r: Reader, view: DataView): RemoteSeries {
  const labels: [string, string][] = [];
  const samples: RemoteSample[] = [];
  let histograms = 0;
  let exemplars = 0;
  fields(r, (field, wire) => {
    if (field === 1) {
      expectWire(wire, LEN, 'TimeSeries.labels');
      labels.push(nested(r, () => readLabel(r)));
      return true;
    }
    if (field === 2) {
      expectWire(wire, LEN, 'TimeSeries.samples');
      samples.push(nested(r, () => readSample(r, view)));
      return true;
    }
    if (field === 3) exemplars++;
    if (field === 4) histograms++;
    return false;
  });
  return { labels, samples, histograms, exemplars };
}

function readLabel(r: Reader): [string, string] {
  let name = '';
  let value = '';
  fields(r, (field, wire) => {
    if (field !== 1 && field !== 2) return false;
    expectWire(wire, LEN, field === 1 ? 'Label.name' : 'Label.value');
    if (field === 1) name = r.stringVerify();
    else value = r.stringVerify();
    return true;
  });
  return [name, value];
}

function readSample(r: Reader, view: DataView): RemoteSample {
  let t = 0;
  let v = 0;
  let stale = false;
  fields(r, (field, wire) => {
    if (field === 1) {
      expectWire(wire, I64, 'Sample.value');
      v = r.double();
      // The bits themselves, just read and bounds-checked: the Number may not have kept the NaN's payload.
      stale = isStaleMarkerAt(view, r.pos - 8);
      return true;
    }
    if (field === 2) {
      expectWire(wire, VARINT, 'Sample.timestamp');
      t = toNumber(r.int64());
      return true;
    }
    return false;
  });
  return { t, v, stale };
}

/** Visits each field up to the reader's current end; `visit` returns false for fields it did not consume. */
function fields(r: Reader, visit: (field: number, wire: number) => boolean): void {
  while (r.pos < r.len) {
    const tag = r.tag();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 0) throw new Error('illegal tag: field number 0');
    if (!visit(field, wire)) r.skipType(wire, 0, field);
  }
}

/** Reads a length-delimited message with the reader's end narrowed to it, so nothing inside can read past it. */
function nested<T>(r: Reader, read: () => T): T {
  const length = r.size();
  const end = r.pos + length;
  if (end > r.len) throw new Error(`message of ${length} bytes runs past the end of its parent`);
  const outer = r.len;
  r.len = end;
  const value = read();
  r.len = outer;
  return value;
}

function expectWire(wire: number, expected: number, field: string): void {
  if (wire !== expected) throw new Error(`wrong wire type ${wire} for ${field}`);
}

/** int64 arrives as a Long (two signed 32-bit halves) when the `long` package is present; ms timestamps fit a double. */
function toNumber(n: number | protobuf.Long): number {
  return typeof n === 'number' ? n : n.high * 2 ** 32 + (n.low >>> 0);
}
