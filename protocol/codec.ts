import { Decoder, Encoder } from 'cbor-x';
import { deflateSync, inflateSync } from 'node:zlib';
import { BATCH_VERSION, type Batch, type Sample } from './batch.ts';
import { ProtocolError } from './errors.ts';
import { isValidMetricName, labelsProblem, type Labels } from './labels.ts';
import { isMetricType, METRIC_TYPES, type MetricMetadata } from './metadata.ts';
import { decodeRuleSnapshot, type RuleSnapshot } from './rules.ts';
import { isValidAgentId, AGENT_ID_RULE } from './topics.ts';

/** Bounds checked before and while decoding, so a hostile payload cannot exhaust the aggregator. */
export const WIRE_LIMITS = {
  maxPayloadBytes: 16 * 1024 * 1024,
  maxSamplesPerBatch: 1_000_000,
  maxSeriesPerBatch: 200_000,
  maxMetadataPerBatch: 10_000,
  /** In UTF-16 code units, as JavaScript counts string length. */
  maxHelpLength: 2048,
  maxUnitLength: 256,
} as const;

// Plain CBOR maps and arrays (no cbor-x record extension), so any CBOR library can read the wire format.
const cbor = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false });
const reader = new Decoder({ useRecords: false, mapsAsObjects: true });

/** The wire shape of a batch; protocol/README.md documents each key. */
interface WireBatch {
  v: number;
  agent: string;
  seq: number;
  series: string[][];
  s: number[];
  t: number[];
  x: number[];
  stale?: number[];
  /** `[family, type, help, unit]` per entry. */
  meta?: [string, string, string, string][];
  rules?: RuleSnapshot;
}

export function encodeBatch(batch: Batch): Uint8Array {
  const n = batch.samples.length;
  const s = new Array<number>(n);
  const t = new Array<number>(n);
  const x = new Array<number>(n);
  const stale: number[] = [];
  let previous = 0;
  batch.samples.forEach((sample, i) => {
    s[i] = sample.series;
    // Delta from the previous sample: samples of one collection share a timestamp, so most deltas are one byte.
    t[i] = sample.t - previous;
    previous = sample.t;
    x[i] = sample.stale ? NaN : sample.v;
    if (sample.stale) stale.push(i);
  });
  const wire: WireBatch = {
    v: batch.version,
    agent: batch.agent,
    seq: batch.seq,
    series: batch.series.map((labels) => Object.entries(labels).flat()),
    s,
    t,
    x,
  };
  if (stale.length > 0) wire.stale = stale;
  if (batch.metadata && batch.metadata.length > 0) {
    wire.meta = batch.metadata.map((m) => [m.name, m.type, m.help, m.unit]);
  }
  if (batch.rules) wire.rules = batch.rules;
  return compress(cbor.encode(wire));
}

/**
 * Batches are zlib-compressed (RFC 1950) on the wire once worth it: label sets repeat in every batch, and
 * deflate takes node-like batches from ~92 to ~10 bytes per sample for well under a microsecond per sample.
 * A zlib stream starts with 0x78, which a CBOR batch (a map: 0xa0–0xbf) never does, so readers tell them apart.
 */
const COMPRESS_FROM_BYTES = 512;
const ZLIB_FIRST_BYTE = 0x78;

function compress(cborBytes: Uint8Array): Uint8Array {
  return cborBytes.byteLength < COMPRESS_FROM_BYTES ? cborBytes : deflateSync(cborBytes, { level: 6 });
}

/** The CBOR bytes of a payload, inflated if compressed, never beyond maxPayloadBytes (no zip bombs). */
function decompress(payload: Uint8Array): Uint8Array {
  if (payload[0] !== ZLIB_FIRST_BYTE) return payload;
  try {
    return inflateSync(payload, { maxOutputLength: WIRE_LIMITS.maxPayloadBytes });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ProtocolError('too_large', 'payload', `inflates beyond ${WIRE_LIMITS.maxPayloadBytes} bytes`);
    }
    throw new ProtocolError('undecodable', 'payload', `not valid zlib data (${e.message})`);
  }
}

/** Decodes and validates a batch; throws ProtocolError naming the first bad field. */
export function decodeBatch(payload: Uint8Array): Batch {
  const raw = decodeCbor(decompress(payload));
  if (!isRecord(raw)) throw new ProtocolError('invalid', 'batch', 'expected a CBOR map');
  const version = raw.v;
  if (!Number.isSafeInteger(version)) throw new ProtocolError('invalid', 'v', 'missing or not an integer');
  if (version !== BATCH_VERSION) {
    throw new ProtocolError(
      'unsupported_version',
      'v',
      `batch version ${String(version)} is not supported; this aggregator reads version ${BATCH_VERSION}`,
    );
  }
  const agent = raw.agent;
  if (typeof agent !== 'string' || !isValidAgentId(agent)) {
    throw new ProtocolError('invalid', 'agent', `must be ${AGENT_ID_RULE}`);
  }
  const seq = raw.seq;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
    throw new ProtocolError('invalid', 'seq', 'must be a non-negative integer');
  }
  const series = decodeSeries(raw.series);
  const samples = decodeSamples(raw, series.length);
  // Optional since version 1 was first written: a batch without them is as valid as before.
  return {
    version,
    agent,
    seq,
    series,
    samples,
    ...(raw.meta !== undefined ? { metadata: decodeMetadata(raw.meta) } : {}),
    ...(raw.rules !== undefined ? { rules: decodeRuleSnapshot(raw.rules) } : {}),
  };
}

function decodeMetadata(raw: unknown): MetricMetadata[] {
  if (!Array.isArray(raw)) throw new ProtocolError('invalid', 'meta', 'expected an array of [family, type, help, unit]');
  if (raw.length > WIRE_LIMITS.maxMetadataPerBatch) {
    throw new ProtocolError('invalid', 'meta', `${raw.length} entries, at most ${WIRE_LIMITS.maxMetadataPerBatch}`);
  }
  return raw.map((entry: unknown, i) => {
    const field = `meta[${i}]`;
    if (!Array.isArray(entry) || entry.length !== 4 || !entry.every((e) => typeof e === 'string')) {
      throw new ProtocolError('invalid', field, 'expected a list of 4 strings [family, type, help, unit]');
    }
    const [name, type, help, unit] = entry as [string, string, string, string];
    if (!isValidMetricName(name)) throw new ProtocolError('invalid', `${field}.name`, `invalid metric name ${JSON.stringify(name)}`);
    if (!isMetricType(type)) {
      throw new ProtocolError('invalid', `${field}.type`, `${JSON.stringify(type)} is not one of ${METRIC_TYPES.join(', ')}`);
    }
    if (help.length > WIRE_LIMITS.maxHelpLength) {
      throw new ProtocolError('invalid', `${field}.help`, `${help.length} characters, at most ${WIRE_LIMITS.maxHelpLength}`);
    }
    if (unit.length > WIRE_LIMITS.maxUnitLength) {
      throw new ProtocolError('invalid', `${field}.unit`, `${unit.length} characters, at most ${WIRE_LIMITS.maxUnitLength}`);
    }
    return { name, type, help, unit };
  });
}

function decodeSeries(raw: unknown): Labels[] {
  if (!Array.isArray(raw)) throw new ProtocolError('invalid', 'series', 'expected an array of label lists');
  if (raw.length > WIRE_LIMITS.maxSeriesPerBatch) {
    throw new ProtocolError('invalid', 'series', `${raw.length} series, at most ${WIRE_LIMITS.maxSeriesPerBatch}`);
  }
  return raw.map((pairs: unknown, i) => {
    const field = `series[${i}]`;
    if (!Array.isArray(pairs) || pairs.length % 2 !== 0 || !pairs.every((p) => typeof p === 'string')) {
      throw new ProtocolError('invalid', field, 'expected an even-length list of strings [name, value, …]');
    }
    const labels: Record<string, string> = {};
    for (let j = 0; j < pairs.length; j += 2) {
      const name = pairs[j] as string;
      // Assigning `__proto__` would silently drop the label instead of storing it.
      if (name === '__proto__') throw new ProtocolError('invalid', field, 'invalid label name "__proto__"');
      if (Object.hasOwn(labels, name)) throw new ProtocolError('invalid', field, `label ${name} appears twice`);
      labels[name] = pairs[j + 1] as string;
    }
    const problem = labelsProblem(labels);
    if (problem) throw new ProtocolError('invalid', field, problem);
    return labels;
  });
}

function decodeSamples(raw: Record<string, unknown>, seriesCount: number): Sample[] {
  const s = numberArray(raw.s, 's');
  const t = numberArray(raw.t, 't');
  const x = numberArray(raw.x, 'x');
  if (s.length > WIRE_LIMITS.maxSamplesPerBatch) {
    throw new ProtocolError('invalid', 's', `${s.length} samples, at most ${WIRE_LIMITS.maxSamplesPerBatch}`);
  }
  if (t.length !== s.length || x.length !== s.length) {
    throw new ProtocolError('invalid', 'samples', `s, t and x differ in length (${s.length}, ${t.length}, ${x.length})`);
  }
  const staleSet = new Set<number>();
  if (raw.stale !== undefined) {
    for (const [k, i] of numberArray(raw.stale, 'stale').entries()) {
      if (!Number.isInteger(i) || i < 0 || i >= s.length) {
        throw new ProtocolError('invalid', `stale[${k}]`, `${i} is not a sample index`);
      }
      staleSet.add(i);
    }
  }
  const samples = new Array<Sample>(s.length);
  let time = 0;
  for (let i = 0; i < s.length; i++) {
    const series = s[i] as number;
    if (!Number.isInteger(series) || series < 0 || series >= seriesCount) {
      throw new ProtocolError('invalid', `s[${i}]`, `${series} is not an index into the ${seriesCount} series`);
    }
    const delta = t[i] as number;
    time += delta;
    if (!Number.isSafeInteger(delta) || !Number.isSafeInteger(time) || time < 0) {
      throw new ProtocolError('invalid', `t[${i}]`, 'timestamps must be integer milliseconds since 1970');
    }
    samples[i] = { series, t: time, v: x[i] as number, stale: staleSet.has(i) };
  }
  return samples;
}

/** How the aggregator answered one batch; sent on the agent's ack topic. */
export type AckStatus =
  | 'stored' // durably stored: drop it from the queue
  | 'duplicate' // stored earlier (a resend): drop it from the queue
  | 'rejected' // permanently invalid: drop it, count it, log the reason
  | 'retry'; // not stored now (aggregator storage trouble, unknown version): keep it and resend later

export interface Ack {
  readonly seq: number;
  readonly status: AckStatus;
  readonly reason?: string;
}

const ACK_STATUSES: readonly AckStatus[] = ['stored', 'duplicate', 'rejected', 'retry'];

export function encodeAck(ack: Ack): Uint8Array {
  return cbor.encode({ v: BATCH_VERSION, ...ack });
}

export function decodeAck(payload: Uint8Array): Ack {
  const raw = decodeCbor(payload);
  if (!isRecord(raw)) throw new ProtocolError('invalid', 'ack', 'expected a CBOR map');
  const { seq, status, reason } = raw;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
    throw new ProtocolError('invalid', 'ack.seq', 'must be a non-negative integer');
  }
  if (!ACK_STATUSES.includes(status as AckStatus)) {
    throw new ProtocolError('invalid', 'ack.status', `must be one of ${ACK_STATUSES.join(', ')}`);
  }
  if (reason !== undefined && typeof reason !== 'string') {
    throw new ProtocolError('invalid', 'ack.reason', 'must be a string');
  }
  return reason === undefined ? { seq, status: status as AckStatus } : { seq, status: status as AckStatus, reason };
}

/** An agent's connection state, retained on its status topic; `offline` is also its Last Will. */
export interface Status {
  readonly state: 'online' | 'offline';
  /** When the agent said it, ms since epoch; 0 in a Last Will, whose moment the receiver records. */
  readonly t: number;
}

export function encodeStatus(status: Status): Uint8Array {
  return cbor.encode({ v: BATCH_VERSION, ...status });
}

export function decodeStatus(payload: Uint8Array): Status {
  const raw = decodeCbor(payload);
  if (!isRecord(raw)) throw new ProtocolError('invalid', 'status', 'expected a CBOR map');
  if (raw.state !== 'online' && raw.state !== 'offline') {
    throw new ProtocolError('invalid', 'status.state', 'must be "online" or "offline"');
  }
  if (typeof raw.t !== 'number' || !Number.isSafeInteger(raw.t)) {
    throw new ProtocolError('invalid', 'status.t', 'must be integer milliseconds');
  }
  return { state: raw.state, t: raw.t };
}

function decodeCbor(payload: Uint8Array): unknown {
  if (payload.byteLength > WIRE_LIMITS.maxPayloadBytes) {
    throw new ProtocolError(
      'too_large',
      'payload',
      `${payload.byteLength} bytes, at most ${WIRE_LIMITS.maxPayloadBytes} allowed`,
    );
  }
  try {
    return reader.decode(payload);
  } catch (err) {
    throw new ProtocolError('undecodable', 'payload', `not valid CBOR (${(err as Error).message})`);
  }
}

function numberArray(raw: unknown, field: string): number[] {
  if (!Array.isArray(raw)) throw new ProtocolError('invalid', field, 'expected an array of numbers');
  for (let i = 0; i < raw.length; i++) {
    if (typeof raw[i] !== 'number') throw new ProtocolError('invalid', `${field}[${i}]`, 'not a number');
  }
  return raw as number[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}
