import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createGunzip } from 'node:zlib';
import type { ScrapeConfig } from './scrape-config.ts';

export interface ScrapeResponse {
  readonly body: string;
  readonly contentType: string | undefined;
}

/** Fetches one target's exposition; rejects with a message fit for the log and the `up` = 0 reason. */
export type Fetcher = (url: string, timeoutMs: number) => Promise<ScrapeResponse>;

export interface FetchOptions {
  readonly accept: string;
  readonly userAgent: string;
}

/**
 * An HTTP(S) fetcher for one scrape config: auth, TLS, gzip, timeout and body size limit as Prometheus applies
 * them. Secrets are read from their files at each scrape, so a rotated token needs no reload.
 */
export function httpFetcher(cfg: ScrapeConfig, opts: FetchOptions): Fetcher {
  const tls = {
    ...(cfg.tls.caFile ? { ca: readFileSync(cfg.tls.caFile) } : {}),
    ...(cfg.tls.certFile ? { cert: readFileSync(cfg.tls.certFile) } : {}),
    ...(cfg.tls.keyFile ? { key: readFileSync(cfg.tls.keyFile) } : {}),
    ...(cfg.tls.serverName ? { servername: cfg.tls.serverName } : {}),
    rejectUnauthorized: !cfg.tls.insecureSkipVerify,
  };
  return (url, timeoutMs) =>
    new Promise<ScrapeResponse>((resolve, reject) => {
      const headers: Record<string, string> = {
        Accept: opts.accept,
        'Accept-Encoding': 'gzip',
        'User-Agent': opts.userAgent,
        'X-Prometheus-Scrape-Timeout-Seconds': String(timeoutMs / 1000),
      };
      const auth = authorizationHeader(cfg);
      if (auth) headers.Authorization = auth;
      const isHttps = url.startsWith('https:');
      const req = (isHttps ? httpsRequest : httpRequest)(url, { headers, ...(isHttps ? tls : {}) }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`server returned HTTP status ${res.statusCode} ${res.statusMessage ?? ''}`.trim()));
          return;
        }
        readBody(res, cfg.bodySizeLimitBytes).then(
          (body) => resolve({ body, contentType: res.headers['content-type'] }),
          reject,
        );
      });
      const timer = setTimeout(() => req.destroy(new Error(`context deadline exceeded (scrape timeout ${timeoutMs / 1000} s)`)), timeoutMs);
      req.once('close', () => clearTimeout(timer));
      req.once('error', (err) => reject(err));
      req.end();
    });
}

function readBody(res: IncomingMessage, limit: number): Promise<string> {
  const stream = res.headers['content-encoding'] === 'gzip' ? res.pipe(createGunzip()) : res;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (limit > 0 && size > limit) {
        res.destroy();
        reject(new Error(`body size limit exceeded (${limit} bytes)`));
        return;
      }
      chunks.push(chunk);
    });
    stream.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.once('error', reject);
  });
}

function authorizationHeader(cfg: ScrapeConfig): string | undefined {
  if (cfg.basicAuth) {
    const password = cfg.basicAuth.passwordFile ? readFileSync(cfg.basicAuth.passwordFile, 'utf8').trim() : (cfg.basicAuth.password ?? '');
    return `Basic ${Buffer.from(`${cfg.basicAuth.username}:${password}`).toString('base64')}`;
  }
  if (cfg.authorization) {
    const credentials = cfg.authorization.credentialsFile
      ? readFileSync(cfg.authorization.credentialsFile, 'utf8').trim()
      : (cfg.authorization.credentials ?? '');
    return `${cfg.authorization.type} ${credentials}`;
  }
  return undefined;
}
