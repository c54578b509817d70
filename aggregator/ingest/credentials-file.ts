import { chmodSync, chownSync, readFileSync, renameSync, statSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Logger } from '../../protocol/log.ts';
import { CredentialsError, parseCredentials, type Credentials, type PasswordEntry } from './credentials.ts';

export type ReloadResult =
  | { readonly ok: true; readonly users: number; /** Removed, or whose hash changed: their sessions must end. */ readonly revoked: readonly string[] }
  | { readonly ok: false; readonly error: CredentialsError };

export interface CredentialStore {
  readonly file: string;
  lookup(user: string): PasswordEntry | undefined;
  /** Re-reads the file. An invalid file is logged and changes nothing: the credentials loaded before stay. */
  reload(): ReloadResult;
  close(): void;
}

export interface CredentialStoreOptions {
  readonly log: Logger;
  /** Called after every reload, whether asked for or triggered by a change to the file. */
  readonly onReload?: (result: ReloadResult) => void;
  /** Reload when the file changes (default true). */
  readonly watch?: boolean;
  /** Who logs in with these credentials, for the start-up message (default "agents"). */
  readonly subject?: string;
}

/** Reads a credentials file; any problem is a CredentialsError naming the file (and line). */
export function readCredentialsFile(file: string): { text: string; credentials: Credentials } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CredentialsError(file, undefined, `cannot read the credentials file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return { text, credentials: parseCredentials(text, file) };
}

/**
 * Replaces the file in one step (write aside, then rename), so a broker watching it never reads half a file. A new
 * file gets mode 0600; an existing one keeps its mode and, where permitted, its owner (mosquitto may run as its
 * own user and read the file through its group).
 */
export function writeCredentialsFile(file: string, text: string): void {
  const aside = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  const old = statSync(file, { throwIfNoEntry: false });
  writeFileSync(aside, text, { mode: 0o600 });
  // Set apart from the write, which the umask would trim.
  if (old) chmodSync(aside, old.mode & 0o777);
  if (old) {
    try {
      chownSync(aside, old.uid, old.gid);
    } catch {
      // Only root may give a file away; anyone else keeps their own ownership, as when they edit it.
    }
  }
  renameSync(aside, file);
}

/**
 * The credentials the broker checks against, kept in step with the file: it is re-read on change (the directory is
 * watched, because editors and `outpost passwd` replace the file rather than write into it) and on reload().
 */
export function openCredentialStore(file: string, opts: CredentialStoreOptions): CredentialStore {
  let { text, credentials } = readCredentialsFile(file);
  const { log } = opts;
  log.info(`${opts.subject ?? 'agents'} must log in: ${credentials.size} users in ${file}`);

  const reload = (): ReloadResult => {
    let result: ReloadResult;
    try {
      const next = readCredentialsFile(file);
      const revoked = [...credentials.values()].filter((old) => !sameSecret(old, next.credentials.get(old.user))).map((e) => e.user);
      if (next.text !== text) log.info(`reloaded ${file}: ${next.credentials.size} users; ${revoked.length} removed or changed`);
      ({ text, credentials } = next);
      result = { ok: true, users: credentials.size, revoked };
    } catch (err) {
      if (!(err instanceof CredentialsError)) throw err;
      log.error(`credentials not reloaded, the ${credentials.size} users loaded before stay in force: ${err.message}`);
      result = { ok: false, error: err };
    }
    opts.onReload?.(result);
    return result;
  };

  let watcher: FSWatcher | undefined;
  let debounce: NodeJS.Timeout | undefined;
  if (opts.watch !== false) {
    const name = basename(file);
    watcher = watch(dirname(file), (_event, changed) => {
      if (changed !== name) return;
      // One save is often several events (truncate, write, rename): read once they settle.
      clearTimeout(debounce);
      debounce = setTimeout(reload, 100);
    });
  }

  return {
    file,
    lookup: (user) => credentials.get(user),
    reload,
    close() {
      clearTimeout(debounce);
      watcher?.close();
    },
  };
}

function sameSecret(a: PasswordEntry, b: PasswordEntry | undefined): boolean {
  return b !== undefined && a.scheme === b.scheme && a.iterations === b.iterations && a.salt.equals(b.salt) && a.hash.equals(b.hash);
}
