import { accessSync, constants } from 'node:fs';
import type { BrokerClientTls } from '../publish/publisher.ts';

/**
 * What is wrong with a broker URL, or undefined. A password inside the URL is refused: URLs end up in logs and
 * process listings, so the secret belongs in a password file; `credentialsHint` says where this caller takes them.
 */
export function brokerUrlProblem(
  url: string,
  credentialsHint = 'the agent id is the user name, and the password goes in a password file',
): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'expected mqtt://host:port or mqtts://host:port';
  }
  if ((parsed.protocol !== 'mqtt:' && parsed.protocol !== 'mqtts:') || parsed.hostname === '') return 'expected mqtt://host:port or mqtts://host:port';
  if (parsed.username !== '' || parsed.password !== '') {
    return `must not hold a user name or password: ${credentialsHint}`;
  }
  return undefined;
}

/** Which TLS setting is wrong and why: cert and key come as a pair, and every file named must be readable. */
export function brokerTlsProblem(tls: BrokerClientTls): { key: keyof BrokerClientTls; problem: string } | undefined {
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) {
    return { key: tls.certFile === undefined ? 'certFile' : 'keyFile', problem: 'a client certificate and its key must be given together' };
  }
  for (const key of ['caFile', 'certFile', 'keyFile'] as const) {
    const file = tls[key];
    if (file === undefined) continue;
    try {
      accessSync(file, constants.R_OK);
    } catch (err) {
      return { key, problem: `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
    }
  }
  return undefined;
}
