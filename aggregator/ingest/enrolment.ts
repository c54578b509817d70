import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { readCredentialsFile, writeCredentialsFile } from './credentials-file.ts';
import { DEFAULT_ITERATIONS, generatePassword, hashPassword, withoutUser, withUser } from './credentials.ts';

/** An enrolment that would overwrite or lose something; the message says which flag or step resolves it. */
export class EnrolmentError extends Error {
  override name = 'EnrolmentError';
}

export interface Enrolment {
  readonly agent: string;
  /** The agent's new secret: it exists only in the caller's hands and, hashed, in the file. */
  readonly password: string;
  /** True when the agent had an entry whose password this replaced. */
  readonly replaced: boolean;
}

/**
 * Gives `agent` a new random password in the credentials file (created, mode 0600, if missing). A running
 * embedded broker re-reads the file by itself; the broker's topic rules follow the user name, so nothing else is
 * needed (the mosquitto ACL shipped in ./mosquitto/acl matches every agent by pattern too).
 */
export async function enrolAgent(file: string, agent: string, opts: { replace?: boolean; iterations?: number } = {}): Promise<Enrolment> {
  const current = existsSync(file) ? readCredentialsFile(file) : undefined;
  const known = current?.credentials.has(agent) ?? false;
  if (known && opts.replace !== true) {
    throw new EnrolmentError(`${agent} is already enrolled in ${file}: --replace gives it a new password (its device then needs the new file), or remove-agent first`);
  }
  const password = generatePassword();
  if (!existsSync(file)) mkdirSync(dirname(file), { recursive: true });
  writeCredentialsFile(file, withUser(current?.text ?? '', agent, await hashPassword(password, opts.iterations ?? DEFAULT_ITERATIONS)));
  return { agent, password, replaced: known };
}

/** Removes `agent` from the file; a running embedded broker disconnects it as soon as it has re-read the file. */
export function revokeAgent(file: string, agent: string): void {
  if (!existsSync(file)) throw new EnrolmentError(`${file} does not exist: no agent is enrolled there (see --mqtt-credentials)`);
  const { text, credentials } = readCredentialsFile(file);
  if (!credentials.has(agent)) throw new EnrolmentError(`${agent} is not enrolled in ${file}`);
  writeCredentialsFile(file, withoutUser(text, agent));
}
