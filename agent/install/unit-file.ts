import type { InstallLayout } from './layout.ts';

export interface UnitOptions {
  readonly layout: InstallLayout;
  /** Absolute paths on the device: the node binary and the outpost program it runs. */
  readonly node: string;
  readonly program: string;
  /** systemd's MemoryMax= value, e.g. 256M. */
  readonly memoryMax: string;
}

/**
 * The agent's systemd unit. Every sandboxing setting here was checked against what the collectors read
 * (agent/install/README.md has the reasons, and the ones left out on purpose): /proc and /sys stay readable,
 * the queue directory is the only writable place, and the service holds no capabilities.
 */
export function renderUnit({ layout, node, program, memoryMax }: UnitOptions): string {
  const state = layout.dataDir.startsWith('/var/lib/') ? layout.dataDir.slice('/var/lib/'.length) : undefined;
  const exec = [node, program, 'agent', '--config', layout.configFile].map(unitArg).join(' ');
  return [
    '# Written by `outpost agent install`; `outpost agent uninstall` removes it. Reasons: agent/install/README.md.',
    '[Unit]',
    'Description=Outpost agent: host metrics, queued on disk, pushed to the aggregator',
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=exec',
    `User=${layout.user}`,
    `Group=${layout.user}`,
    `ExecStart=${exec}`,
    // The agent re-reads its config on SIGHUP (and by itself when the file changes).
    'ExecReload=/bin/kill -HUP $MAINPID',
    'Restart=on-failure',
    'RestartSec=5s',
    'TimeoutStopSec=20s',
    `MemoryMax=${memoryMax}`,
    'UMask=0027',
    // systemd creates the queue directory and hands it to the user at every start, even in an image built with
    // --root where the user did not exist yet.
    ...(state !== undefined ? [`StateDirectory=${state}`, 'StateDirectoryMode=0750'] : []),
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    `ReadWritePaths=${unitArg(layout.dataDir)}`,
    // read-only, not yes: the filesystem collector must still statfs() a /home mount.
    'ProtectHome=read-only',
    'PrivateTmp=yes',
    'PrivateDevices=yes',
    // These make /proc/sys and /sys read-only, not hidden: the collectors only read them.
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectKernelLogs=yes',
    'ProtectControlGroups=yes',
    'ProtectClock=yes',
    // AF_NETLINK: glibc's getaddrinfo asks the kernel for the host's addresses when resolving the broker's name.
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK',
    'RestrictNamespaces=yes',
    'RestrictRealtime=yes',
    'RestrictSUIDSGID=yes',
    'LockPersonality=yes',
    'CapabilityBoundingSet=',
    'SystemCallArchitectures=native',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/**
 * One word of a systemd command line (systemd.service(5), "Command lines"): quoted when it holds anything but
 * path characters, with "%" (specifiers) and "$" (variables) doubled so they stay literal.
 */
export function unitArg(word: string): string {
  const escaped = word.replaceAll('%', '%%').replaceAll('$', '$$$$');
  return /^[A-Za-z0-9_/.:=@+,%$-]+$/.test(escaped) ? escaped : `"${escaped.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}
