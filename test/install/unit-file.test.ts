import { spawnSync } from 'node:child_process';
import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeAction } from '../../agent/install/actions.ts';
import { DEFAULT_LAYOUT } from '../../agent/install/layout.ts';
import { planInstall, planUninstall } from '../../agent/install/plan.ts';
import { renderUnit, unitArg } from '../../agent/install/unit-file.ts';
import { peer } from '../helpers/peers.ts';
import { tempDir } from '../helpers/tmp.ts';

const node = realpathSync(process.execPath);
const unitFor = (program = '/opt/outpost-agent/lib/outpost.mjs') => renderUnit({ layout: DEFAULT_LAYOUT, node, program, memoryMax: '256M' });
const directives = (unit: string) => new Map(unit.split('\n').filter((l) => /^[A-Z]\w+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

describe('the systemd unit', () => {
  it('runs the agent as its own user with the hardening the issue asks for', () => {
    const d = directives(unitFor());
    expect(d.get('ExecStart')).toBe(`${node} /opt/outpost-agent/lib/outpost.mjs agent --config /etc/outpost/agent.yaml`);
    expect(Object.fromEntries(['User', 'Group', 'NoNewPrivileges', 'ProtectSystem', 'PrivateTmp', 'ReadWritePaths', 'Restart', 'RestartSec', 'MemoryMax', 'StateDirectory', 'StateDirectoryMode'].map((k) => [k, d.get(k)]))).toEqual({
      User: 'outpost',
      Group: 'outpost',
      NoNewPrivileges: 'yes',
      ProtectSystem: 'strict',
      PrivateTmp: 'yes',
      ReadWritePaths: '/var/lib/outpost',
      Restart: 'on-failure',
      RestartSec: '5s',
      MemoryMax: '256M',
      StateDirectory: 'outpost',
      StateDirectoryMode: '0750',
    });
    expect(d.get('CapabilityBoundingSet')).toBe('');
  });

  it('leaves the collectors their view: no setting that hides /proc, /sys or mounts, none that breaks V8', () => {
    const d = directives(unitFor());
    // invisible would hide /proc/1/mounts (the filesystem collector's source); pid would hide /proc/stat and meminfo.
    expect(d.has('ProtectProc')).toBe(false);
    expect(d.has('ProcSubset')).toBe(false);
    // yes would hide /home from statfs(); read-only keeps it visible.
    expect(d.get('ProtectHome')).toBe('read-only');
    // Read-only, not hidden: the collectors only read /sys.
    expect(d.get('ProtectKernelTunables')).toBe('yes');
    // V8 compiles to memory it then executes.
    expect(d.has('MemoryDenyWriteExecute')).toBe(false);
  });

  it('quotes and escapes what systemd would otherwise expand or split', () => {
    expect(unitArg('/opt/outpost-agent/lib/outpost.mjs')).toBe('/opt/outpost-agent/lib/outpost.mjs');
    expect(unitArg('/opt/my agent/outpost.mjs')).toBe('"/opt/my agent/outpost.mjs"');
    expect(unitArg('/opt/100%/$HOME')).toBe('/opt/100%%/$$HOME');
    expect(unitArg('/opt/say "hi"\\')).toBe('"/opt/say \\"hi\\"\\\\"');
    expect(directives(unitFor('/opt/my agent/outpost.mjs')).get('ExecStart')).toBe(`${node} "/opt/my agent/outpost.mjs" agent --config /etc/outpost/agent.yaml`);
  });

  it("passes systemd's own checks (systemd-analyze verify and security, from Debian's systemd package)", () => {
    const analyze = peer('systemd-analyze', 'systemd');
    if (!analyze) return;
    const dir = tempDir('unit');
    try {
      const file = join(dir.path, 'outpost-agent.service');
      writeFileSync(file, unitFor());
      const verify = spawnSync(analyze, ['verify', file], { encoding: 'utf8' });
      expect({ status: verify.status, output: `${verify.stdout}${verify.stderr}`.trim() }).toEqual({ status: 0, output: '' });
      // A mistake is caught: the same check fails for a unit whose program does not exist.
      writeFileSync(file, unitFor().replace(node, '/nonexistent/node'));
      expect(spawnSync(analyze, ['verify', file], { encoding: 'utf8' }).status).not.toBe(0);
      writeFileSync(file, unitFor());
      const security = spawnSync(analyze, ['security', '--offline=yes', file], { encoding: 'utf8' });
      const exposure = /Overall exposure level for outpost-agent\.service: ([\d.]+)/.exec(security.stdout);
      // systemd rates 0 (locked down) to 10 (exposed); below 4 is its "OK" band.
      expect(Number(exposure?.[1])).toBeLessThan(4);
    } finally {
      dir.remove();
    }
  });
});

describe('install and uninstall plans', () => {
  const plan = planInstall({ layout: DEFAULT_LAYOUT, configText: 'agent: {}\n', password: 'p', node, program: '/opt/outpost-agent/lib/outpost.mjs', memoryMax: '128M' });

  it('creates the user first and starts the service last, with secrets written 0600 from the start', () => {
    expect(plan.map(describeAction)).toEqual([
      'create system user outpost (home /var/lib/outpost, shell /usr/sbin/nologin, no password) unless it exists',
      'create directory /etc/outpost (mode 0750, owner root:outpost)',
      'write /etc/outpost/agent.yaml (mode 0640, owner root:outpost, kept if it exists)',
      'write /etc/outpost/agent.password (mode 0600, owner outpost:outpost, secret)',
      'create directory /var/lib/outpost (mode 0750, owner outpost:outpost)',
      'write /etc/systemd/system/outpost-agent.service (mode 0644, owner root:root)',
      'systemctl daemon-reload',
      'systemctl enable outpost-agent.service',
      'systemctl restart outpost-agent.service',
    ]);
  });

  it('uninstalls in reverse and touches the data and the user only with purge', () => {
    const keep = planUninstall(DEFAULT_LAYOUT, false).map(describeAction);
    expect(keep[0]).toBe('systemctl disable --now outpost-agent.service');
    expect(keep.join('\n')).not.toContain('/var/lib/outpost');
    expect(keep.join('\n')).not.toContain('remove system user');
    expect(planUninstall(DEFAULT_LAYOUT, true).map(describeAction).slice(-2)).toEqual(['remove /var/lib/outpost and everything in it', 'remove system user outpost']);
  });
});
