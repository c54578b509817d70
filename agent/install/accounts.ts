import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** User and group ids by name, as the target system's /etc/passwd and /etc/group say (not this machine's). */
export interface Accounts {
  /** False when the root has no etc/passwd at all (a bare staging tree). */
  readonly present: boolean;
  uid(user: string): number | undefined;
  gid(group: string): number | undefined;
}

/**
 * Reads `root`/etc/passwd and /etc/group. Names are looked up in the files rather than through getpwnam(): with
 * --root the users that matter are the image's, whose ids may differ from this machine's.
 */
export function readAccounts(root: string): Accounts {
  const users = readTable(join(root, 'etc/passwd'), 2);
  const groups = readTable(join(root, 'etc/group'), 2);
  return {
    present: users !== undefined,
    uid: (user) => users?.get(user),
    gid: (group) => groups?.get(group),
  };
}

/** name → the numeric field at `column` of a colon-separated file; undefined when the file is missing. */
function readTable(file: string, column: number): Map<string, number> | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const table = new Map<string, number>();
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    const id = Number(fields[column]);
    if (fields[0] && !line.startsWith('#') && Number.isInteger(id)) table.set(fields[0], id);
  }
  return table;
}
