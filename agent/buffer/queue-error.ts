import { constants } from 'node:os';

/** Why the queue's directory cannot be written; each kind has its own fix. */
export type QueueErrorKind = 'read-only' | 'permission' | 'not-a-directory' | 'no-space' | 'map-full' | 'io';

/** A disk failure of the durable queue, with a message that names the directory and what to do. */
export class QueueError extends Error {
  override readonly name = 'QueueError';
  constructor(
    readonly kind: QueueErrorKind,
    readonly dir: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** LMDB's own code: the environment's map size was reached. */
const MDB_MAP_FULL = -30792;

const ERRNO_NAMES = new Map<number, string>(Object.entries(constants.errno).map(([name, n]) => [n, name]));

const KINDS: Record<string, QueueErrorKind> = {
  EROFS: 'read-only',
  EACCES: 'permission',
  EPERM: 'permission',
  ENOTDIR: 'not-a-directory',
  ENOSPC: 'no-space',
  EDQUOT: 'no-space',
  EIO: 'io',
};

const FIXES: Record<QueueErrorKind, string> = {
  'read-only': 'the file system is read-only: remount it read-write or set data_dir (--data-dir) to a writable directory',
  permission: "permission denied: give the agent's user write access to it (chown/chmod) or set data_dir (--data-dir)",
  'not-a-directory': 'part of that path is a file, not a directory: set data_dir (--data-dir) to a directory',
  'no-space': 'no space left on the device: free some space there or lower max_queue_bytes (--max-queue-bytes)',
  'map-full': 'the LMDB map is full: lower max_queue_bytes (--max-queue-bytes)',
  // LMDB reports a write cut short by a full disk as EIO, so "full" comes first.
  io: 'I/O error: the disk may be full or failing; check its free space (df) and the kernel log (dmesg)',
};

/**
 * The QueueError for a failed open or write in `dir`, or undefined when `err` is not a disk failure (a bug, say),
 * which must not be mistaken for one. lmdb reports errno as a number, node:fs as a name. `assumeDisk` is for errors
 * known to come from the disk (a failed commit): an unknown code then counts as an I/O error.
 */
export function queueErrorFrom(err: unknown, dir: string, assumeDisk: true): QueueError;
export function queueErrorFrom(err: unknown, dir: string, assumeDisk?: boolean): QueueError | undefined;
export function queueErrorFrom(err: unknown, dir: string, assumeDisk = false): QueueError | undefined {
  if (err instanceof QueueError) return err;
  const code = (err as { code?: unknown } | undefined)?.code;
  const message = err instanceof Error ? err.message : String(err);
  const kind =
    code === MDB_MAP_FULL || message.includes('MDB_MAP_FULL')
      ? 'map-full'
      : (KINDS[typeof code === 'number' ? (ERRNO_NAMES.get(code) ?? '') : String(code)] ?? (assumeDisk ? 'io' : undefined));
  if (kind === undefined) return undefined;
  const detail = kind === 'io' ? ` (${message})` : '';
  return new QueueError(kind, dir, `cannot write the agent's queue in ${dir}: ${FIXES[kind]}${detail}`, { cause: err });
}
