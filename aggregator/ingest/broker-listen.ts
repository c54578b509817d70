import { readFileSync } from 'node:fs';
import { createServer, isIP, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

/** PEM files for an `mqtts://` listener. With a client CA, only clients holding a certificate it signed get in. */
export interface BrokerTlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  readonly clientCaFile?: string;
}

/** A broker set up so that it must not start; the message names the flag that fixes it. */
export class BrokerSetupError extends Error {
  override name = 'BrokerSetupError';
}

/** Loopback: 127.0.0.0/8, ::1 (also IPv4-mapped) and the name localhost. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  const v4 = host.replace(/^::ffff:/i, '');
  if (isIP(v4) === 4) return v4.startsWith('127.');
  // The URL parser writes an IPv6 address in its shortest form, so every spelling of ::1 compares equal.
  return isIP(host) === 6 && new URL(`http://[${host}]/`).hostname === '[::1]';
}

/**
 * Refuses an open broker off loopback: without credentials anyone who can reach the port could write as any
 * agent. `allowAnonymous` is the explicit opt-out for networks the operator trusts.
 */
export function checkExposure(host: string, hasCredentials: boolean, allowAnonymous: boolean): 'ok' | 'anonymous-exposed' {
  if (hasCredentials || isLoopback(host)) return 'ok';
  if (!allowAnonymous) {
    throw new BrokerSetupError(
      `refusing to listen on ${host} without credentials: anyone reaching it could send data as any agent. ` +
        'Give --mqtt-credentials FILE (see README "Broker security"), listen on 127.0.0.1, or pass --mqtt-allow-anonymous to accept this',
    );
  }
  return 'anonymous-exposed';
}

/** A plain TCP server, or a TLS one when files are given; a file that cannot be read stops start-up, named. */
export function brokerServer(handle: (socket: Socket) => void, tls?: BrokerTlsFiles): Server {
  if (!tls) return createServer(handle);
  const read = (file: string, flag: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new BrokerSetupError(`${flag} ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  };
  const cert = read(tls.certFile, '--mqtt-tls-cert');
  const key = read(tls.keyFile, '--mqtt-tls-key');
  const ca = tls.clientCaFile === undefined ? undefined : read(tls.clientCaFile, '--mqtt-tls-client-ca');
  try {
    return createTlsServer({ cert, key, ...(ca ? { ca, requestCert: true, rejectUnauthorized: true } : {}) }, handle);
  } catch (err) {
    // OpenSSL's reason (e.g. "key values mismatch") names no secret; the file names say where to look.
    throw new BrokerSetupError(`TLS setup from ${tls.certFile} and ${tls.keyFile} failed: ${(err as Error).message}`);
  }
}
