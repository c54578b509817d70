import { Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Sample } from '../../protocol/batch.ts';
import type { Labels } from '../../protocol/labels.ts';
import type { Logger } from '../../protocol/log.ts';
import { formatDurationMs } from '../../promql/duration.ts';
import type { AppendOutcome, Storage } from '../store/storage.ts';
import { acceptRequest, MAX_AHEAD_MS, type AcceptedRequest } from './accept-request.ts';
import { RemoteWriteError, type RemoteWriteErrorCode } from './remote-write-error.ts';
import { uncompressBlock } from './snappy-block.ts';
import { decodeWriteRequest } from './write-request.ts';

/** Called with what a request or batch stored, after the store said it is durable: the remote write sender's feed. */
export type OnStored = (series: readonly Labels[], samples: readonly Sample[]) => void;

export interface ReceiverCounters {
  requests: number;
  /** Answered 204: every sample stored. */
  requestsAccepted: number;
  /** Answered 400 after storing the samples that could be: some were refused (see samplesRefused). */
  requestsPartial: number;
  /** Refused whole, nothing stored: undecodable, too large or not remote write 1.0 (by reason). */
  requestsRefused: Record<RemoteWriteErrorCode, number>;
  /** The store failed: answered 500, and the sender retries. */
  requestsFailed: number;
  samplesReceived: number;
  samplesStored: number;
  samplesRefused: { invalidLabels: number; tooFarAhead: number; histograms: number; tooOld: number; seriesLimited: number };
  exemplarsIgnored: number;
  metadataIgnored: number;
}

export interface ReceiverOptions {
  readonly log: Logger;
  readonly now: () => number;
  readonly onStored?: OnStored;
  /** When set, requests must carry `Authorization: Bearer <token>`. */
  readonly bearerToken?: string;
  /** The source name the store's per-source series limit counts remote-written series under. */
  readonly source?: string;
  /** Bound on the compressed body. */
  readonly maxBodyBytes?: number;
  /** Bound on the decompressed body, checked before decompressing. */
  readonly maxDecodedBytes?: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_RECEIVER = { source: 'remote_write', maxBodyBytes: 32 * MiB, maxDecodedBytes: 128 * MiB } as const;

/** The one place a refused request becomes an HTTP status (remote write 1.0: 4xx means "do not retry"). */
const STATUS: Record<RemoteWriteErrorCode, ContentfulStatusCode> = { too_large: 413, unsupported: 415, bad_snappy: 400, bad_protobuf: 400 };

export interface RemoteWriteReceiver {
  /** POST /api/v1/write; a sub-app, so an authentication middleware can sit in front of it. */
  readonly routes: Hono;
  readonly counters: Readonly<ReceiverCounters>;
}

/** Prometheus' remote write 1.0 receiver (storage/remote/write_handler.go) in front of Storage.appendSamples. */
export function createRemoteWriteReceiver(storage: Pick<Storage, 'appendSamples'>, opts: ReceiverOptions): RemoteWriteReceiver {
  const { log, now } = opts;
  const source = opts.source ?? DEFAULT_RECEIVER.source;
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_RECEIVER.maxBodyBytes;
  const maxDecodedBytes = opts.maxDecodedBytes ?? DEFAULT_RECEIVER.maxDecodedBytes;
  const counters: ReceiverCounters = {
    requests: 0,
    requestsAccepted: 0,
    requestsPartial: 0,
    requestsRefused: { too_large: 0, unsupported: 0, bad_snappy: 0, bad_protobuf: 0 },
    requestsFailed: 0,
    samplesReceived: 0,
    samplesStored: 0,
    samplesRefused: { invalidLabels: 0, tooFarAhead: 0, histograms: 0, tooOld: 0, seriesLimited: 0 },
    exemplarsIgnored: 0,
    metadataIgnored: 0,
  };

  const refuse = (err: RemoteWriteError) => {
    counters.requestsRefused[err.code]++;
    log.warn(`remote write request refused, nothing stored: ${err.message}`);
    return new Response(`${err.message}\n`, { status: STATUS[err.code], headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  };

  const app = new Hono();
  if (opts.bearerToken !== undefined) app.use('/api/v1/write', bearerAuth({ token: opts.bearerToken }));
  app.post(
    '/api/v1/write',
    bodyLimit({ maxSize: maxBodyBytes, onError: () => refuse(new RemoteWriteError('too_large', `request body over ${maxBodyBytes} bytes`)) }),
    async (c) => {
      counters.requests++;
      let accepted: AcceptedRequest;
      try {
        checkHeaders(c.req.header('Content-Encoding'), c.req.header('Content-Type'));
        const body = new Uint8Array(await c.req.arrayBuffer());
        accepted = acceptRequest(decodeWriteRequest(await uncompressBlock(body, maxDecodedBytes)), now());
      } catch (err) {
        if (err instanceof RemoteWriteError) return refuse(err);
        throw err;
      }
      const { refused, ignored } = accepted;
      counters.samplesReceived += accepted.samples.length + refused.invalidLabels + refused.tooFarAhead + refused.histograms;
      counters.exemplarsIgnored += ignored.exemplars;
      counters.metadataIgnored += ignored.metadata;
      let outcome: Pick<AppendOutcome, 'samples' | 'tooOld' | 'seriesLimited'> = { samples: 0, tooOld: 0, seriesLimited: 0 };
      if (accepted.samples.length > 0) {
        try {
          outcome = await storage.appendSamples(source, accepted.series, accepted.samples);
        } catch (err) {
          // Nothing is known to be stored: a 5xx makes the sender retry the whole request.
          counters.requestsFailed++;
          log.error(`storing a remote write request failed, the sender will retry: ${(err as Error).message}`);
          return c.text(`storing samples failed: ${(err as Error).message}\n`, 500);
        }
        opts.onStored?.(accepted.series, accepted.samples);
      }
      counters.samplesStored += outcome.samples;
      const r = counters.samplesRefused;
      r.invalidLabels += refused.invalidLabels;
      r.tooFarAhead += refused.tooFarAhead;
      r.histograms += refused.histograms;
      r.tooOld += outcome.tooOld;
      r.seriesLimited += outcome.seriesLimited;
      const problems = describeRefusals(accepted, outcome, source);
      if (problems.length === 0) {
        counters.requestsAccepted++;
        return c.body(null, 204);
      }
      counters.requestsPartial++;
      log.warn(`remote write request partly stored (${outcome.samples} samples): ${problems.join('; ')}`);
      return c.text(`${problems.join('\n')}\n`, 400);
    },
  );
  return { routes: app, counters };
}

/**
 * Remote write 1.0 names snappy and application/x-protobuf. Both headers are optional here, as in Prometheus 2.42,
 * but a different encoding, or a 2.0 message (`proto=io.prometheus.write.v2.Request`), is answered 415, which tells a
 * 2.0 sender to fall back to 1.0.
 */
function checkHeaders(encoding: string | undefined, type: string | undefined): void {
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'snappy') {
    throw new RemoteWriteError('unsupported', `unsupported Content-Encoding ${JSON.stringify(encoding)}: remote write bodies are snappy-compressed`);
  }
  if (type === undefined) return;
  const [media, ...params] = type.split(';').map((p) => p.trim());
  const proto = params.find((p) => p.toLowerCase().startsWith('proto='))?.slice('proto='.length);
  if (media?.toLowerCase() !== 'application/x-protobuf' || (proto !== undefined && proto !== 'prometheus.WriteRequest')) {
    throw new RemoteWriteError('unsupported', `unsupported Content-Type ${JSON.stringify(type)}: only remote write 1.0 (application/x-protobuf, prometheus.WriteRequest) is accepted`);
  }
}

/** One line per reason samples were not stored, each saying how many; Prometheus' wording where it has one. */
function describeRefusals(accepted: AcceptedRequest, outcome: Pick<AppendOutcome, 'tooOld' | 'seriesLimited'>, source: string): string[] {
  const { refused, labelProblems } = accepted;
  const lines: string[] = [];
  if (refused.invalidLabels > 0) {
    lines.push(`${refused.invalidLabels} samples of series with invalid labels were not stored: ${labelProblems.join('; ')}`);
  }
  if (outcome.tooOld > 0) lines.push(`out of bounds: ${outcome.tooOld} samples older than the store's out-of-order window were not stored`);
  if (refused.tooFarAhead > 0) {
    lines.push(`out of bounds: ${refused.tooFarAhead} samples more than ${formatDurationMs(MAX_AHEAD_MS)} ahead of the receiver's clock were not stored`);
  }
  if (outcome.seriesLimited > 0) {
    lines.push(`${outcome.seriesLimited} samples of new series were not stored: the series limit for source ${JSON.stringify(source)} is reached`);
  }
  if (refused.histograms > 0) lines.push(`native histograms are not supported: ${refused.histograms} histogram samples were not stored`);
  return lines;
}
