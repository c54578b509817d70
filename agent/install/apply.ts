import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readAccounts } from './accounts.ts';
import { describeAction, type InstallAction, type Owner } from './actions.ts';

export type CommandRunner = (command: string, args: readonly string[]) => { status: number | null; output: string; missing: boolean };

export interface ApplyEnv {
  /** "/" for this system; another directory for an image or a test (--root). */
  readonly root: string;
  /** Print each action (and each non-secret file) instead of doing it. */
  readonly dryRun: boolean;
  /** Where progress and warnings go, one line each. */
  readonly say: (line: string) => void;
  /** Runs useradd, userdel and systemctl; tests pass a recorder. */
  readonly run?: CommandRunner;
}

/** A step that failed so that going on would leave a broken service; the message says what to do. */
export class InstallError extends Error {
  override name = 'InstallError';
}

/**
 * Carries out a plan. Against another root (--root) nothing outside it changes: users are added with
 * `useradd --root` into the root's own account files (or not at all when it has none), owners are taken from
 * those files, and systemctl is never called. Against "/" systemctl is called when present; a failure there is
 * reported but does not undo the files.
 */
export function applyActions(actions: readonly InstallAction[], env: ApplyEnv): void {
  const run = env.run ?? spawnRunner;
  const onSystem = env.root === '/';
  const at = (path: string) => (onSystem ? path : join(env.root, path));
  const warned = new Set<string>();
  const warnOnce = (key: string, line: string) => {
    if (!warned.has(key)) env.say(line);
    warned.add(key);
  };

  const chown = (path: string, owner: Owner) => {
    const accounts = readAccounts(env.root);
    if (!accounts.present) {
      warnOnce('accounts', `note: ${at('/etc/passwd')} does not exist: files keep their current owner (each line names the owner meant)`);
      return;
    }
    const uid = accounts.uid(owner.user);
    const gid = accounts.gid(owner.group);
    if (uid === undefined || gid === undefined) {
      const missing = uid === undefined ? `user ${owner.user}` : `group ${owner.group}`;
      warnOnce(missing, `note: no ${missing} in ${at('/etc/passwd')} or ${at('/etc/group')}: files meant for it keep their current owner; chown them once it exists`);
      return;
    }
    try {
      chownSync(at(path), uid, gid);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
      warnOnce('eperm', `note: not root, so files keep this user as owner (meant: ${owner.user}:${owner.group} for ${path} and others)`);
    }
  };

  const command = (cmd: string, args: readonly string[], what: string) => {
    const result = run(cmd, args);
    if (result.missing) return `${cmd} is not installed`;
    if (result.status !== 0) return `${cmd} ${args.join(' ')} failed (${result.status ?? 'killed'}): ${result.output.trim() || 'no output'}`;
    env.say(what);
    return undefined;
  };

  for (const action of actions) {
    if (env.dryRun) {
      env.say(action.kind === 'systemctl' && !onSystem ? `would skip for --root: ${describeAction(action)}` : `would ${describeAction(action)}`);
      if (action.kind === 'write' && !action.secret) env.say(action.content.replace(/^/gm, '    ').trimEnd());
      continue;
    }
    switch (action.kind) {
      case 'add-user': {
        const accounts = readAccounts(env.root);
        if (accounts.uid(action.user) !== undefined) {
          env.say(`user ${action.user} exists`);
          break;
        }
        if (!onSystem && !accounts.present) {
          env.say(`note: ${at('/etc/passwd')} does not exist, so user ${action.user} is not created; the unit runs as ${action.user}: create it in the image (useradd --system ${action.user})`);
          break;
        }
        const args = [
          ...(onSystem ? [] : ['--root', env.root]),
          '--system', '--user-group', '--home-dir', action.home, '--no-create-home', '--shell', action.shell, '--comment', 'Outpost agent', action.user,
        ];
        const failed = command('useradd', args, `created system user ${action.user}`);
        if (failed) throw new InstallError(`cannot create user ${action.user}: ${failed}`);
        break;
      }
      case 'mkdir':
        mkdirSync(at(action.path), { recursive: true });
        chmodSync(at(action.path), action.mode);
        chown(action.path, action.owner);
        env.say(describeAction(action).replace(/^create/, 'created'));
        break;
      case 'write': {
        if (action.keepExisting && existsSync(at(action.path))) {
          env.say(`kept the existing ${action.path} (remove it first to install a new one)`);
          break;
        }
        mkdirSync(dirname(at(action.path)), { recursive: true });
        // Written aside at its final mode and owner, then renamed: a secret is never readable by others, and a
        // watcher (the agent watches its config) never sees half a file.
        const aside = join(dirname(at(action.path)), `.${basename(action.path)}.${process.pid}.tmp`);
        writeFileSync(aside, action.content, { mode: action.mode });
        chmodSync(aside, action.mode);
        chown(relativeTo(env.root, aside), action.owner);
        renameSync(aside, at(action.path));
        env.say(describeAction(action).replace(/^write/, 'wrote').replace(', kept if it exists', ''));
        break;
      }
      case 'remove':
        if (existsSync(at(action.path))) {
          rmSync(at(action.path), { recursive: action.recursive, force: true });
          env.say(`removed ${action.path}`);
        }
        break;
      case 'remove-empty-dir':
        if (existsSync(at(action.path)) && statSync(at(action.path)).isDirectory()) {
          if (readdirSync(at(action.path)).length === 0) {
            rmdirSync(at(action.path));
            env.say(`removed ${action.path}`);
          } else env.say(`kept ${action.path}: other files are in it`);
        }
        break;
      case 'remove-user': {
        if (readAccounts(env.root).uid(action.user) === undefined) break;
        const failed = command('userdel', [...(onSystem ? [] : ['--root', env.root]), action.user], `removed user ${action.user}`);
        if (failed) env.say(`warning: ${failed}`);
        break;
      }
      case 'systemctl': {
        if (!onSystem) {
          env.say(`skipped for --root (run it on the device): systemctl ${action.args.join(' ')}`);
          break;
        }
        const failed = command('systemctl', action.args, `systemctl ${action.args.join(' ')}`);
        if (failed?.endsWith('is not installed')) warnOnce('systemctl', `warning: ${failed}: start the agent another way (README "Install an agent on a device")`);
        else if (failed) env.say(`warning: ${failed}`);
        break;
      }
    }
  }
}

/** The device path of a file under `root`, for chown's owner lookup and messages. */
function relativeTo(root: string, path: string): string {
  return root === '/' ? path : `/${path.slice(root.replace(/\/$/, '').length + 1)}`;
}

const spawnRunner: CommandRunner = (command, args) => {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  const missing = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}`, missing };
};
