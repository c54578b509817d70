import { encodeWriteRequest } from '../aggregator/remote/encode-write-request.ts';
import { compressBlock } from '../aggregator/remote/snappy-block.ts';
import type { CollectedSample } from '../protocol/batch.ts';

/** What one way of sending a stream of samples puts on the wire, payloads only. */
export interface WireTally {
  readonly messages: number;
  readonly samples: number;
  readonly payloadBytes: number;
  /** Before compression; equal to payloadBytes for a format that is not compressed. */
  readonly rawBytes: number;
}

export interface WireMeter {
  add(samples: readonly CollectedSample[]): void;
  /** Sends what is still pending (a last, short request) and returns the totals. */
  finish(): WireTally;
}

/**
 * The request bodies Prometheus 2.42 sends for these samples over remote_write 1.0. Its shards put every sample in
 * a TimeSeries of its own, with the series' full label set (storage/remote/queue_manager.go, populateTimeSeries:
 * "we only ever append a TimeSeries with a single sample"), `samplesPerSend` of them to a WriteRequest, which is
 * then snappy block-compressed. Modelled as one shard fed in WAL order (time-major); metadata is sent apart and
 * left out, as it is on Outpost's side.
 */
export function remoteWriteMeter(samplesPerSend: number): WireMeter {
  let messages = 0;
  let samples = 0;
  let payloadBytes = 0;
  let rawBytes = 0;
  let pending: CollectedSample[] = [];
  const send = () => {
    if (pending.length === 0) return;
    const body = encodeWriteRequest(pending.map((s) => ({ labels: s.labels, samples: [{ t: s.t, v: s.v, stale: false }] })));
    messages++;
    samples += pending.length;
    rawBytes += body.byteLength;
    payloadBytes += compressBlock(body).byteLength;
    pending = [];
  };
  return {
    add(collected) {
      for (const s of collected) {
        pending.push(s);
        if (pending.length === samplesPerSend) send();
      }
    },
    finish() {
      send();
      return { messages, samples, payloadBytes, rawBytes };
    },
  };
}

/** Outpost's side: the CBOR batch payloads exactly as queued and published, one message each. */
export function payloadTally(): { add(payload: Uint8Array, samples: number): void; total(): WireTally } {
  let messages = 0;
  let samples = 0;
  let bytes = 0;
  return {
    add(payload, n) {
      messages++;
      samples += n;
      bytes += payload.byteLength;
    },
    total: () => ({ messages, samples, payloadBytes: bytes, rawBytes: bytes }),
  };
}
