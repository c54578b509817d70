/**
 * Where an installed agent lives on a device. Paths are as the device sees them; `outpost agent install --root DIR`
 * puts each one under DIR. README "Install an agent on a device" and agent/install/README.md describe the layout.
 */
export interface InstallLayout {
  /** The unprivileged system user the service runs as. */
  readonly user: string;
  readonly configDir: string;
  readonly configFile: string;
  /** The broker password, mode 0600, readable by `user` only. */
  readonly passwordFile: string;
  /** The durable queue; the only place the service may write. */
  readonly dataDir: string;
  readonly unitName: string;
  readonly unitFile: string;
  /** The login shell of `user`: none. */
  readonly shell: string;
}

export const DEFAULT_LAYOUT: InstallLayout = {
  user: 'outpost',
  configDir: '/etc/outpost',
  configFile: '/etc/outpost/agent.yaml',
  passwordFile: '/etc/outpost/agent.password',
  dataDir: '/var/lib/outpost',
  unitName: 'outpost-agent.service',
  unitFile: '/etc/systemd/system/outpost-agent.service',
  shell: '/usr/sbin/nologin',
};

/** Where the README unpacks the agent tarball (`tar -xzf outpost-agent-….tar.gz -C /opt`). */
export const DEVICE_AGENT_DIR = '/opt/outpost-agent';

/** The node a Debian or Raspberry Pi OS package (Debian's nodejs, NodeSource's) installs. */
export const DEVICE_NODE = '/usr/bin/node';

/** The service's memory cap: about three times the agent's steady RSS (BENCHMARKS.md), room for a backlog drain. */
export const DEFAULT_MEMORY_MAX = '256M';
