import type { RemoteWriteConfig } from './sender-config.ts';

/** How one POST went: sent, or failed and worth retrying (5xx, 429, network) or not (any other status). */
export type SendResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly retry: boolean; readonly reason: string; readonly retryAfterMs?: number };

export interface RemoteClient {
  /** POSTs one snappy-compressed WriteRequest; never throws. */
  post(body: Uint8Array, signal: AbortSignal): Promise<SendResult>;
}

export interface ClientDeps {
  readonly userAgent: string;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

/** Longest error body kept in a log line: receivers may answer with whole pages. */
const MAX_REASON_CHARS = 256;

/** Remote write 1.0's request (headers as the spec lists them) and its retry rules ("Retries & Backoff"). */
export function createRemoteClient(config: RemoteWriteConfig, deps: ClientDeps): RemoteClient {
  const doFetch = deps.fetch ?? fetch;
  const now = deps.now ?? Date.now;
  const headers: Record<string, string> = {
    ...config.headers,
    'Content-Encoding': 'snappy',
    'Content-Type': 'application/x-protobuf',
    'User-Agent': deps.userAgent,
    'X-Prometheus-Remote-Write-Version': '0.1.0',
  };
  if (config.authorization) headers.Authorization = `${config.authorization.type} ${config.authorization.credentials}`;
  if (config.basicAuth) {
    headers.Authorization = `Basic ${Buffer.from(`${config.basicAuth.username}:${config.basicAuth.password}`).toString('base64')}`;
  }

  return {
    async post(body, signal) {
      let res: Response;
      try {
        const timeout = AbortSignal.timeout(config.remoteTimeoutMs);
        res = await doFetch(config.url, { method: 'POST', headers, body: new Uint8Array(body), signal: AbortSignal.any([signal, timeout]) });
      } catch (err) {
        return { ok: false, retry: true, reason: networkReason(err, config.remoteTimeoutMs) };
      }
      if (res.ok) {
        // The spec reserves the body; read it anyway so the connection can be reused.
        await res.arrayBuffer().catch(() => undefined);
        return { ok: true };
      }
      const text = ((await res.text().catch(() => '')).split('\n')[0] ?? '').slice(0, MAX_REASON_CHARS);
      const reason = `server returned HTTP status ${res.status} ${res.statusText}${text ? `: ${text}` : ''}`;
      if (res.status < 500 && res.status !== 429) return { ok: false, retry: false, reason };
      const retryAfterMs = parseRetryAfter(res.headers.get('Retry-After'), now());
      return { ok: false, retry: true, reason, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    },
  };
}

function networkReason(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return `no answer within remote_timeout (${timeoutMs} ms)`;
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message} (${cause})` : e.message;
}

/** Retry-After in seconds or as an HTTP date (RFC 9110, 10.2.3). */
function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
