/** Who should own a file or directory, by name; ids come from the target's own account files (accounts.ts). */
export interface Owner {
  readonly user: string;
  readonly group: string;
}

/**
 * One step of an install or uninstall. Plans are lists of these, so `--dry-run` prints exactly what a real run
 * would do and tests check a plan without touching the system. Paths are as the device sees them.
 */
export type InstallAction =
  | { readonly kind: 'add-user'; readonly user: string; readonly home: string; readonly shell: string }
  | { readonly kind: 'mkdir'; readonly path: string; readonly mode: number; readonly owner: Owner }
  | {
      readonly kind: 'write';
      readonly path: string;
      readonly mode: number;
      readonly owner: Owner;
      readonly content: string;
      /** Never printed, not even by --dry-run. */
      readonly secret: boolean;
      /** An existing file is left as it is (the device's own config). */
      readonly keepExisting: boolean;
    }
  | { readonly kind: 'remove'; readonly path: string; readonly recursive: boolean }
  /** Removes a directory only when nothing is left in it (a user's own files there stay). */
  | { readonly kind: 'remove-empty-dir'; readonly path: string }
  | { readonly kind: 'remove-user'; readonly user: string }
  | { readonly kind: 'systemctl'; readonly args: readonly string[] };

const octal = (mode: number) => `0${mode.toString(8)}`;

/** One line per action, as --dry-run prints it. */
export function describeAction(a: InstallAction): string {
  switch (a.kind) {
    case 'add-user':
      return `create system user ${a.user} (home ${a.home}, shell ${a.shell}, no password) unless it exists`;
    case 'mkdir':
      return `create directory ${a.path} (mode ${octal(a.mode)}, owner ${a.owner.user}:${a.owner.group})`;
    case 'write':
      return `write ${a.path} (mode ${octal(a.mode)}, owner ${a.owner.user}:${a.owner.group}${a.keepExisting ? ', kept if it exists' : ''}${a.secret ? ', secret' : ''})`;
    case 'remove':
      return `remove ${a.path}${a.recursive ? ' and everything in it' : ''}`;
    case 'remove-empty-dir':
      return `remove directory ${a.path} if empty`;
    case 'remove-user':
      return `remove system user ${a.user}`;
    case 'systemctl':
      return `systemctl ${a.args.join(' ')}`;
  }
}
