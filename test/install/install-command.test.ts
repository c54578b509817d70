import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyActions } from '../../agent/install/apply.ts';
import { configProblem } from '../../agent/install/check-config.ts';
import { parseFlags, type ParsedFlags } from '../../cli/flags.ts';
import { agentInstallCommand } from '../../cli/install-command.ts';
import { tempDir } from '../helpers/tmp.ts';

const GOOD = 'agent:\n  id: "shop-17"\n  broker: "mqtt://central.example:1883"\n  password_file: "/etc/outpost/agent.password"\n  data_dir: "/var/lib/outpost"\n';

describe('checking a config before it is installed', () => {
  it('accepts the config add-agent writes, without reading the password file it names', () => {
    expect(configProblem('agent.yaml', GOOD, '/etc/outpost/agent.password')).toBeUndefined();
  });

  it('insists that the config reads the password where the install puts it', () => {
    expect(configProblem('agent.yaml', GOOD.replace('/etc/outpost/agent.password', '/root/pw'), '/etc/outpost/agent.password')).toBe(
      'agent.yaml: agent.password_file must be /etc/outpost/agent.password, where the install puts --password-file (it says /root/pw)',
    );
    expect(configProblem('agent.yaml', 'agent:\n  broker: "mqtt://x:1883"\n', '/etc/outpost/agent.password')).toMatch(/\(it says nothing\)$/);
  });

  it("names a mistake with the user's own line numbers", () => {
    const text = `${GOOD}host:\n  intervall: 15s\n`;
    expect(configProblem('agent.yaml', text, '/etc/outpost/agent.password')).toMatch(/^agent\.yaml:7: .*intervall/);
    expect(configProblem('agent.yaml', GOOD.replace('shop-17', 'bad/id'), '/etc/outpost/agent.password')).toMatch(/^agent\.yaml:2: agent\.id: must be/);
  });
});

describe('outpost agent install on this system', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir('install-cmd')));
  afterEach(() => {
    vi.restoreAllMocks();
    dir.remove();
  });
  const run = async (...argv: string[]) => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await agentInstallCommand.run(parseFlags(agentInstallCommand, argv) as ParsedFlags);
    return out.mock.calls.map(([t]) => String(t)).join('');
  };

  it('--dry-run plans systemctl and this node, checks the config, and writes nothing', async () => {
    const hadConfig = existsSync('/etc/outpost');
    const config = join(dir.path, 'agent.yaml');
    const password = join(dir.path, 'agent.password');
    writeFileSync(config, GOOD);
    writeFileSync(password, 'pw\n');
    const printed = await run('--dry-run', '--config', config, '--password-file', password, '--program', '/opt/outpost-agent/lib/outpost.mjs');
    expect(printed).toContain('would systemctl enable outpost-agent.service');
    expect(printed).toMatch(/ExecStart=\/\S*node \/opt\/outpost-agent\/lib\/outpost\.mjs agent --config \/etc\/outpost\/agent\.yaml/);
    if (!hadConfig) expect(existsSync('/etc/outpost')).toBe(false);
    writeFileSync(config, `${GOOD}bogus: 1\n`);
    await expect(run('--dry-run', '--config', config, '--password-file', password, '--program', '/opt/outpost-agent/lib/outpost.mjs')).rejects.toThrow(/agent\.yaml:6: .*bogus/);
  });

  it('refuses a program the service could not reach (ProtectHome, PrivateTmp)', async () => {
    await expect(run('--dry-run', '--broker', 'mqtt://x:1883', '--program', '/home/pi/outpost/cli/outpost.mjs')).rejects.toThrow(
      /the service could not run \/home\/pi\/outpost\/cli\/outpost\.mjs: systemd hides \/home\/pi from it/,
    );
    await expect(run('--dry-run', '--broker', 'mqtt://x:1883', '--node', '/tmp/node')).rejects.toThrow(/could not run \/tmp\/node/);
  });
});

describe('systemctl', () => {
  const steps = [
    { kind: 'systemctl', args: ['daemon-reload'] },
    { kind: 'systemctl', args: ['enable', 'outpost-agent.service'] },
  ] as const;

  it('is called on this system only, and a missing or failing one is reported without stopping the install', () => {
    const calls: string[] = [];
    const said: string[] = [];
    applyActions(steps, { root: '/', dryRun: false, say: (l) => said.push(l), run: (cmd, args) => (calls.push(`${cmd} ${args.join(' ')}`), { status: 1, output: 'System has not been booted with systemd', missing: false }) });
    expect(calls).toEqual(['systemctl daemon-reload', 'systemctl enable outpost-agent.service']);
    expect(said[0]).toBe('warning: systemctl daemon-reload failed (1): System has not been booted with systemd');

    said.length = 0;
    applyActions(steps, { root: '/', dryRun: false, say: (l) => said.push(l), run: () => ({ status: null, output: '', missing: true }) });
    expect(said).toEqual(['warning: systemctl is not installed: start the agent another way (README "Install an agent on a device")']);

    const never = () => {
      throw new Error('systemctl must not run');
    };
    said.length = 0;
    applyActions(steps, { root: '/some/image', dryRun: false, say: (l) => said.push(l), run: never });
    applyActions(steps, { root: '/', dryRun: true, say: (l) => said.push(l), run: never });
    expect(said).toEqual([
      'skipped for --root (run it on the device): systemctl daemon-reload',
      'skipped for --root (run it on the device): systemctl enable outpost-agent.service',
      'would systemctl daemon-reload',
      'would systemctl enable outpost-agent.service',
    ]);
  });
});
