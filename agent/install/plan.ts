import type { InstallAction, Owner } from './actions.ts';
import type { InstallLayout } from './layout.ts';
import { renderUnit } from './unit-file.ts';

export interface InstallPlanOptions {
  readonly layout: InstallLayout;
  /** The agent.yaml to install; an existing one on the device is kept. */
  readonly configText: string;
  /** The broker password to install, when one was given. */
  readonly password?: string;
  readonly node: string;
  readonly program: string;
  readonly memoryMax: string;
}

/**
 * The install: user, config (root-owned, readable by the agent's group), password (the agent's alone), queue
 * directory, unit, then systemd. Secrets are written 0600 from the start, never widened later.
 */
export function planInstall(opts: InstallPlanOptions): InstallAction[] {
  const { layout } = opts;
  const agent: Owner = { user: layout.user, group: layout.user };
  const rootOwned: Owner = { user: 'root', group: 'root' };
  const actions: InstallAction[] = [
    { kind: 'add-user', user: layout.user, home: layout.dataDir, shell: layout.shell },
    { kind: 'mkdir', path: layout.configDir, mode: 0o750, owner: { user: 'root', group: layout.user } },
    { kind: 'write', path: layout.configFile, mode: 0o640, owner: { user: 'root', group: layout.user }, content: opts.configText, secret: false, keepExisting: true },
  ];
  if (opts.password !== undefined) {
    actions.push({ kind: 'write', path: layout.passwordFile, mode: 0o600, owner: agent, content: `${opts.password}\n`, secret: true, keepExisting: false });
  }
  actions.push(
    { kind: 'mkdir', path: layout.dataDir, mode: 0o750, owner: agent },
    { kind: 'write', path: layout.unitFile, mode: 0o644, owner: rootOwned, content: renderUnit(opts), secret: false, keepExisting: false },
    { kind: 'systemctl', args: ['daemon-reload'] },
    { kind: 'systemctl', args: ['enable', layout.unitName] },
    // restart, not start: a reinstall (a new program version) must replace the running process.
    { kind: 'systemctl', args: ['restart', layout.unitName] },
  );
  return actions;
}

/** The reverse: the service, its unit, config and password go; the queue and the user stay unless `purge`. */
export function planUninstall(layout: InstallLayout, purge: boolean): InstallAction[] {
  const actions: InstallAction[] = [
    { kind: 'systemctl', args: ['disable', '--now', layout.unitName] },
    { kind: 'remove', path: layout.unitFile, recursive: false },
    { kind: 'systemctl', args: ['daemon-reload'] },
    { kind: 'remove', path: layout.configFile, recursive: false },
    { kind: 'remove', path: layout.passwordFile, recursive: false },
    { kind: 'remove-empty-dir', path: layout.configDir },
  ];
  if (purge) actions.push({ kind: 'remove', path: layout.dataDir, recursive: true }, { kind: 'remove-user', user: layout.user });
  return actions;
}
