import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseFlags, UsageError, type Command, type ParsedFlags } from '../../cli/flags.ts';
import { agentInstallCommand, agentUninstallCommand } from '../../cli/install-command.ts';
import { readAgentFile } from '../../agent/config/file.ts';
import { peer } from '../helpers/peers.ts';
import { tempDir } from '../helpers/tmp.ts';

/**
 * `outpost agent install --root DIR`, run in-process against a temporary root. Owners: the install takes ids from
 * DIR/etc/passwd and DIR/etc/group, never from this machine's, so each test seeds those files. As root the seeded
 * user gets an id no real account has (64123) and the chown is checked by stat(); as another user a process may
 * only give files to itself, so the seeded accounts carry this process's own ids and the test checks that the
 * install chose them by name (stat shows the ids it found there).
 */
const asRoot = process.getuid?.() === 0;
const me = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
const AGENT_IDS = asRoot ? { uid: 64123, gid: 64124 } : me;
const ROOT_IDS = asRoot ? { uid: 0, gid: 0 } : me;

const run = async (command: Command, ...argv: string[]) => {
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    await command.run(parseFlags(command, argv) as ParsedFlags);
    return out.mock.calls.map(([text]) => String(text)).join('');
  } finally {
    out.mockRestore();
  }
};

const mode = (path: string) => statSync(path).mode & 0o777;
const owner = (path: string) => ({ uid: statSync(path).uid, gid: statSync(path).gid });

describe('outpost agent install --root', () => {
  let dir: ReturnType<typeof tempDir>;
  let root: string;
  let password: string;
  let config: string;
  beforeEach(() => {
    dir = tempDir('install');
    root = join(dir.path, 'root');
    mkdirSync(root);
    password = join(dir.path, 'agent.password');
    writeFileSync(password, 'secret-from-add-agent\n', { mode: 0o600 });
    config = join(dir.path, 'agent.yaml');
    writeFileSync(config, 'agent:\n  id: "shop-17"\n  broker: "mqtt://central.example:1883"\n  password_file: "/etc/outpost/agent.password"\n  data_dir: "/var/lib/outpost"\n');
  });
  afterEach(() => dir.remove());

  const seedAccounts = (withAgent: boolean) => {
    mkdirSync(join(root, 'etc'), { recursive: true });
    const agentLine = `outpost:x:${AGENT_IDS.uid}:${AGENT_IDS.gid}:Outpost agent:/var/lib/outpost:/usr/sbin/nologin\n`;
    writeFileSync(join(root, 'etc/passwd'), `root:x:${ROOT_IDS.uid}:${ROOT_IDS.gid}:root:/root:/bin/bash\n${withAgent ? agentLine : ''}`);
    writeFileSync(join(root, 'etc/group'), `root:x:${ROOT_IDS.gid}:\n${withAgent ? `outpost:x:${AGENT_IDS.gid}:\n` : ''}`);
  };

  it('writes config, password, queue directory and unit with their modes and owners, and calls no systemctl', async () => {
    seedAccounts(true);
    const printed = await run(agentInstallCommand, '--root', root, '--config', config, '--password-file', password);
    const at = (p: string) => join(root, p);

    expect(readFileSync(at('etc/outpost/agent.yaml'), 'utf8')).toBe(readFileSync(config, 'utf8'));
    expect(readFileSync(at('etc/outpost/agent.password'), 'utf8')).toBe('secret-from-add-agent\n');
    expect(mode(at('etc/outpost'))).toBe(0o750);
    expect(mode(at('etc/outpost/agent.yaml'))).toBe(0o640);
    expect(mode(at('etc/outpost/agent.password'))).toBe(0o600);
    expect(mode(at('var/lib/outpost'))).toBe(0o750);
    expect(mode(at('etc/systemd/system/outpost-agent.service'))).toBe(0o644);

    const agent = { uid: AGENT_IDS.uid, gid: AGENT_IDS.gid };
    expect(owner(at('etc/outpost/agent.password'))).toEqual(agent);
    expect(owner(at('var/lib/outpost'))).toEqual(agent);
    expect(owner(at('etc/outpost/agent.yaml'))).toEqual({ uid: ROOT_IDS.uid, gid: AGENT_IDS.gid });
    expect(owner(at('etc/systemd/system/outpost-agent.service'))).toEqual(ROOT_IDS);

    const unit = readFileSync(at('etc/systemd/system/outpost-agent.service'), 'utf8');
    expect(unit).toContain('User=outpost\n');
    expect(unit).toContain('ExecStart=/usr/bin/node /opt/outpost-agent/lib/outpost.mjs agent --config /etc/outpost/agent.yaml\n');
    expect(printed).toContain('skipped for --root (run it on the device): systemctl enable outpost-agent.service');
    expect(printed).not.toContain('secret-from-add-agent');
    // The password never sits anywhere under a readable mode, not even as the temporary file.
    expect(spawnSync('find', [root, '-name', '*.tmp']).stdout.toString()).toBe('');
  });

  it('keeps an existing config, and the device reads what was installed', async () => {
    seedAccounts(true);
    mkdirSync(join(root, 'etc/outpost'), { recursive: true });
    const own = 'agent:\n  id: "bench-3"\n  broker: "mqtt://other:1883"\n  data_dir: "/var/lib/outpost"\n';
    writeFileSync(join(root, 'etc/outpost/agent.yaml'), own);
    const printed = await run(agentInstallCommand, '--root', root, '--config', config, '--password-file', password);
    expect(readFileSync(join(root, 'etc/outpost/agent.yaml'), 'utf8')).toBe(own);
    expect(printed).toContain('kept the existing /etc/outpost/agent.yaml');
    expect(readAgentFile(join(root, 'etc/outpost/agent.yaml'))).toMatchObject({ id: 'bench-3', brokerUrl: 'mqtt://other:1883' });
  });

  it('writes a config from --broker, leaving the id to the host name, and refuses to guess one', async () => {
    seedAccounts(true);
    await run(agentInstallCommand, '--root', root, '--broker', 'mqtts://central.example:8883', '--password-file', password);
    const written = readFileSync(join(root, 'etc/outpost/agent.yaml'), 'utf8');
    // The device's own password file in place of the installed path: the file must parse as the agent reads it.
    const settings = readAgentFile('agent.yaml', written.replace('/etc/outpost/agent.password', join(root, 'etc/outpost/agent.password')));
    expect(settings).toMatchObject({ brokerUrl: 'mqtts://central.example:8883', password: 'secret-from-add-agent', dataDir: '/var/lib/outpost' });
    expect(settings.id).toBeUndefined();
    const bare = tempDir('install-bare');
    try {
      await expect(run(agentInstallCommand, '--root', bare.path)).rejects.toThrow(/give --config FILE .* or --broker URL/);
    } finally {
      bare.remove();
    }
  });

  it('--dry-run lists every step, prints the unit but never the password, and changes nothing', async () => {
    seedAccounts(true);
    const printed = await run(agentInstallCommand, '--root', root, '--config', config, '--password-file', password, '--dry-run');
    expect(printed).toContain('would create system user outpost');
    expect(printed).toContain('would write /etc/outpost/agent.password (mode 0600, owner outpost:outpost, secret)');
    expect(printed).toContain('would create directory /var/lib/outpost (mode 0750, owner outpost:outpost)');
    expect(printed).toContain('    ProtectSystem=strict');
    expect(printed).toContain('would skip for --root: systemctl restart outpost-agent.service');
    expect(printed).not.toContain('secret-from-add-agent');
    expect(existsSync(join(root, 'etc/outpost'))).toBe(false);
    expect(existsSync(join(root, 'var'))).toBe(false);
  });

  it('uninstall removes unit, config and password but keeps the queued data; --purge removes that too', async () => {
    seedAccounts(true);
    await run(agentInstallCommand, '--root', root, '--config', config, '--password-file', password);
    writeFileSync(join(root, 'var/lib/outpost/queue.mdb'), 'unsent batches');
    const printed = await run(agentUninstallCommand, '--root', root);
    expect(existsSync(join(root, 'etc/systemd/system/outpost-agent.service'))).toBe(false);
    expect(existsSync(join(root, 'etc/outpost'))).toBe(false);
    expect(readFileSync(join(root, 'var/lib/outpost/queue.mdb'), 'utf8')).toBe('unsent batches');
    expect(printed).toContain('kept /var/lib/outpost (data not yet sent) and user outpost; --purge removes them');
    expect(printed).toContain('skipped for --root (run it on the device): systemctl disable --now outpost-agent.service');

    await run(agentUninstallCommand, '--root', root, '--purge', '--dry-run');
    expect(existsSync(join(root, 'var/lib/outpost/queue.mdb'))).toBe(true);
    const useradd = peer('userdel', 'passwd');
    if (!useradd) return;
    if (!asRoot) {
      // userdel --root needs root (it chroots); the data is removed before it is asked.
      await run(agentUninstallCommand, '--root', root, '--purge');
      expect(existsSync(join(root, 'var/lib/outpost'))).toBe(false);
      return;
    }
    await run(agentUninstallCommand, '--root', root, '--purge');
    expect(existsSync(join(root, 'var/lib/outpost'))).toBe(false);
    expect(readFileSync(join(root, 'etc/passwd'), 'utf8')).not.toMatch(/^outpost:/m);
  });

  it('creates the user with useradd --root inside the root only (as root), or stops with the reason', async () => {
    if (!peer('useradd', 'passwd')) return;
    seedAccounts(false);
    const hostPasswd = readFileSync('/etc/passwd', 'utf8');
    const install = run(agentInstallCommand, '--root', root, '--config', config, '--password-file', password);
    if (!asRoot) {
      await expect(install).rejects.toThrow(/cannot create user outpost: useradd .* failed/);
      return;
    }
    const printed = await install;
    expect(printed).toContain('created system user outpost');
    const line = readFileSync(join(root, 'etc/passwd'), 'utf8').split('\n').find((l) => l.startsWith('outpost:')) ?? '';
    const [, , uid, , , home, shell] = line.split(':');
    expect({ home, shell }).toEqual({ home: '/var/lib/outpost', shell: '/usr/sbin/nologin' });
    // A system account: below Debian's first ordinary user id.
    expect(Number(uid)).toBeLessThan(1000);
    expect(statSync(join(root, 'etc/outpost/agent.password')).uid).toBe(Number(uid));
    expect(readFileSync('/etc/passwd', 'utf8')).toBe(hostPasswd);
  });

  it('without account files names the owners it could not set, and still installs', async () => {
    const printed = await run(agentInstallCommand, '--root', root, '--config', config, '--password-file', password);
    expect(printed).toContain('/etc/passwd does not exist, so user outpost is not created');
    expect(printed).toContain('files keep their current owner');
    expect(printed).toContain('wrote /etc/outpost/agent.password (mode 0600, owner outpost:outpost, secret)');
    expect(owner(join(root, 'etc/outpost/agent.password'))).toEqual(me);
    expect(mode(join(root, 'etc/outpost/agent.password'))).toBe(0o600);
  });

  it('refuses bad input before touching anything', async () => {
    await expect(run(agentInstallCommand, '--root', join(dir.path, 'nope'), '--broker', 'mqtt://x:1883')).rejects.toThrow(/--root .*: not a directory/);
    await expect(run(agentInstallCommand, '--root', root, '--broker', 'mqtt://u:p@x:1883')).rejects.toThrow(/--broker: must not hold a user name or password/);
    await expect(run(agentInstallCommand, '--root', root, '--config', config, '--broker', 'mqtt://x:1883')).rejects.toThrow(UsageError);
    await expect(run(agentInstallCommand, '--root', root, '--broker', 'mqtt://x:1883', '--memory-max', 'lots')).rejects.toThrow(/--memory-max "lots"/);
    await expect(run(agentInstallCommand, '--root', root, '--broker', 'mqtt://x:1883', '--user', 'Bad User')).rejects.toThrow(/--user "Bad User"/);
    writeFileSync(password, '\n');
    await expect(run(agentInstallCommand, '--root', root, '--broker', 'mqtt://x:1883', '--password-file', password)).rejects.toThrow(/is empty/);
    expect(existsSync(join(root, 'etc'))).toBe(false);
  });
});
