import { readFileSync } from 'node:fs';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../../protocol/log.ts';
import { isLoopback } from '../ingest/broker-listen.ts';
import { openCredentialStore, type CredentialStore } from '../ingest/credentials-file.ts';
import { httpAuth } from './auth.ts';

/** An HTTP set-up that must not start; the message names the flag that fixes it. */
export class HttpAuthSetupError extends Error {
  override name = 'HttpAuthSetupError';
}

export interface HttpAuthSettings {
  readonly httpHost: string;
  readonly httpAuthTokenFile?: string;
  readonly httpBasicAuthFile?: string;
  readonly httpAllowAnonymous: boolean;
}

export interface HttpAuthSetup {
  /** Undefined when no credentials are configured: everything is open. */
  readonly middleware: MiddlewareHandler | undefined;
  close(): void;
}

/** Shorter tokens are accepted, with a warning: a token is the whole secret, with no user name to guess as well. */
const SHORT_TOKEN = 16;

/**
 * Tokens from a file: one a line, blank lines and `#` comments skipped, so a new token can be added before the old
 * one is retired. Only visible ASCII: what a header carries unchanged through Grafana, promtool and curl.
 */
export function readTokenFile(file: string, log: Logger): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new HttpAuthSetupError(`--http-auth-token-file ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const tokens: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const token = raw.trim();
    if (token === '' || token.startsWith('#')) return;
    // The message names the line only: it must not print the secret.
    if (!/^[\x21-\x7e]+$/.test(token)) throw new HttpAuthSetupError(`--http-auth-token-file ${file}:${i + 1}: a token is visible ASCII without spaces`);
    if (token.length < SHORT_TOKEN) log.warn(`${file}:${i + 1}: token shorter than ${SHORT_TOKEN} characters; \`openssl rand -hex 32\` makes a strong one`);
    tokens.push(token);
  });
  if (tokens.length === 0) throw new HttpAuthSetupError(`--http-auth-token-file ${file}: no token in the file`);
  return tokens;
}

/**
 * The HTTP authentication these settings ask for. As for the broker (ingest/broker-listen.ts checkExposure): with no
 * credentials a non-loopback address is refused unless anonymous access is asked for explicitly.
 */
export function openHttpAuth(settings: HttpAuthSettings, log: Logger, extraOpenPaths: readonly string[] = []): HttpAuthSetup {
  const { httpHost: host, httpAuthTokenFile: tokenFile, httpBasicAuthFile: basicFile } = settings;
  if (tokenFile === undefined && basicFile === undefined) {
    if (isLoopback(host)) return { middleware: undefined, close() {} };
    if (!settings.httpAllowAnonymous) {
      throw new HttpAuthSetupError(
        `refusing to serve the HTTP API and dashboard on ${host} without authentication: anyone reaching it could read every metric. ` +
          'Give --http-auth-token-file FILE or --http-basic-auth-file FILE (README "Dashboard"), listen on 127.0.0.1, or pass --http-allow-anonymous to accept this',
      );
    }
    log.warn(`HTTP API and dashboard on ${host} without authentication (--http-allow-anonymous)`);
    return { middleware: undefined, close() {} };
  }
  const tokens = tokenFile === undefined ? [] : readTokenFile(tokenFile, log);
  let users: CredentialStore | undefined;
  if (basicFile !== undefined) users = openCredentialStore(basicFile, { log, subject: 'HTTP users' });
  if (tokenFile !== undefined) log.info(`HTTP clients must log in: ${tokens.length} bearer tokens in ${tokenFile}`);
  return {
    middleware: httpAuth({ tokens, ...(users ? { users } : {}), extraOpenPaths }),
    close: () => users?.close(),
  };
}
