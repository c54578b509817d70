import { createHash, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * Broker credentials in mosquitto's password-file format, so one file serves the embedded broker and mosquitto
 * (as mosquitto 2 reads it in src/security_default.c and mosquitto_passwd writes it):
 *   user:$7$<iterations>$<base64 salt>$<base64 hash>   PBKDF2-HMAC-SHA512, 64-byte key (mosquitto_passwd's default)
 *   user:$6$<base64 salt>$<base64 hash>                SHA-512 over password then salt (mosquitto 1.6 and earlier)
 * The salt is always 12 bytes and the hash 64; lines starting with "#" and blank lines are skipped.
 */
export type HashScheme = 'pbkdf2-sha512' | 'sha512';

export interface PasswordEntry {
  readonly user: string;
  readonly scheme: HashScheme;
  /** 1 for the one-shot SHA-512 scheme. */
  readonly iterations: number;
  readonly salt: Buffer;
  readonly hash: Buffer;
  /** Where the entry is in its file, for messages. */
  readonly line: number;
}

export type Credentials = ReadonlyMap<string, PasswordEntry>;

/** A malformed credentials file: `passwd:3: ...`. The message never quotes the line (it holds a hash). */
export class CredentialsError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly problem: string,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${problem}`);
    this.name = 'CredentialsError';
  }
}

const SALT_BYTES = 12;
const HASH_BYTES = 64;
/**
 * New entries: agent secrets made by generatePassword() carry 192 random bits, so the iteration count only has to
 * slow down guessing a human-chosen password; 10,000 keeps a reconnecting fleet of thousands cheap to verify.
 */
export const DEFAULT_ITERATIONS = 10_000;
/** A file asking for more would let one line stall every connect (each check runs this many HMACs). */
const MAX_ITERATIONS = 1_000_000;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function parseCredentials(text: string, file: string): Map<string, PasswordEntry> {
  const entries = new Map<string, PasswordEntry>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const fail = (problem: string) => new CredentialsError(file, line, problem);
    const colon = trimmed.indexOf(':');
    if (colon < 0) throw fail('expected user:$7$iterations$salt$hash (make entries with outpost passwd or mosquitto_passwd)');
    const user = trimmed.slice(0, colon).trim();
    if (user === '') throw fail('empty user name');
    const earlier = entries.get(user);
    if (earlier) throw fail(`user ${JSON.stringify(user)} is already defined on line ${earlier.line}`);
    entries.set(user, { user, line, ...parseHash(trimmed.slice(colon + 1).trim(), fail) });
  });
  return entries;
}

function parseHash(field: string, fail: (problem: string) => CredentialsError): Omit<PasswordEntry, 'user' | 'line'> {
  const parts = field.split('$');
  if (parts[0] !== '' || (parts[1] !== '6' && parts[1] !== '7')) {
    throw fail('unsupported password hash: expected $7$ (PBKDF2-SHA512) or $6$ (SHA-512); plain-text passwords are not accepted');
  }
  const scheme: HashScheme = parts[1] === '7' ? 'pbkdf2-sha512' : 'sha512';
  const fields = scheme === 'pbkdf2-sha512' ? 5 : 4;
  if (parts.length !== fields) throw fail(`a $${parts[1]}$ hash has ${fields - 2} "$"-separated fields after the type`);
  let iterations = 1;
  if (scheme === 'pbkdf2-sha512') {
    iterations = /^[1-9][0-9]{0,9}$/.test(parts[2] as string) ? Number(parts[2]) : 0;
    if (iterations < 1 || iterations > MAX_ITERATIONS) throw fail(`iterations must be a whole number from 1 to ${MAX_ITERATIONS}`);
  }
  const salt = decode(parts[fields - 2] as string, SALT_BYTES, 'salt', fail);
  const hash = decode(parts[fields - 1] as string, HASH_BYTES, 'hash', fail);
  return { scheme, iterations, salt, hash };
}

function decode(text: string, bytes: number, what: string, fail: (problem: string) => CredentialsError): Buffer {
  const value = BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
  if (value?.length !== bytes) throw fail(`the ${what} must be ${bytes} bytes in base64`);
  return value;
}

const pbkdf2Async = promisify(pbkdf2);

async function digest(scheme: HashScheme, password: Buffer, salt: Buffer, iterations: number): Promise<Buffer> {
  // pbkdf2 runs on libuv's thread pool: a burst of connects does not stall the event loop.
  if (scheme === 'pbkdf2-sha512') return pbkdf2Async(password, salt, iterations, HASH_BYTES, 'sha512');
  return createHash('sha512').update(password).update(salt).digest();
}

/** Stands in for an unknown user, so "no such user" takes as long as "wrong password" and does not reveal names. */
const DECOY: PasswordEntry = {
  user: '',
  scheme: 'pbkdf2-sha512',
  iterations: DEFAULT_ITERATIONS,
  salt: randomBytes(SALT_BYTES),
  hash: randomBytes(HASH_BYTES),
  line: 0,
};

/** True when `password` matches; an undefined entry (unknown user) costs the same time and is always false. */
export async function verifyPassword(entry: PasswordEntry | undefined, password: Buffer | string): Promise<boolean> {
  const e = entry ?? DECOY;
  const actual = await digest(e.scheme, Buffer.from(password), e.salt, e.iterations);
  return timingSafeEqual(actual, e.hash) && entry !== undefined;
}

/** The `$7$…` hash field mosquitto_passwd would write for this password. */
export async function hashPassword(password: Buffer | string, iterations = DEFAULT_ITERATIONS, salt = randomBytes(SALT_BYTES)): Promise<string> {
  const hash = await digest('pbkdf2-sha512', Buffer.from(password), salt, iterations);
  return `$7$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** A random agent secret: 24 bytes, URL-safe base64 (no characters a shell or YAML would mangle). */
export function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}

/** User names mosquitto can read back: no ":" (the separator), no "#" at the start, no spaces at the ends. */
export function userNameProblem(user: string): string | undefined {
  if (user === '' || user.trim() !== user) return 'must not be empty or start or end with spaces';
  if (/[:\r\n]/.test(user)) return 'must not contain ":" or line breaks';
  if (user.startsWith('#')) return 'must not start with "#"';
  return undefined;
}

/** The file text with `user` set to `hashField` (in place when present, else appended); comments stay. */
export function withUser(text: string, user: string, hashField: string): string {
  const problem = userNameProblem(user);
  if (problem) throw new Error(`user name ${JSON.stringify(user)} ${problem}`);
  const lines = text.split('\n');
  const at = lineOf(lines, user);
  const entry = `${user}:${hashField}`;
  if (at >= 0) lines[at] = entry;
  else {
    if (lines[lines.length - 1] === '') lines.pop();
    lines.push(entry, '');
  }
  return lines.join('\n');
}

/** The file text without `user`'s line. */
export function withoutUser(text: string, user: string): string {
  const lines = text.split('\n');
  const at = lineOf(lines, user);
  if (at >= 0) lines.splice(at, 1);
  return lines.join('\n');
}

function lineOf(lines: readonly string[], user: string): number {
  return lines.findIndex((l) => {
    const t = l.trim();
    return !t.startsWith('#') && t.includes(':') && t.slice(0, t.indexOf(':')).trim() === user;
  });
}
