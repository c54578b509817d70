import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { brokerUrlProblem } from '../agent/config/broker-client.ts';
import { defaultAgentId } from '../agent/config/defaults.ts';
import { applyActions, InstallError, type ApplyEnv } from '../agent/install/apply.ts';
import type { InstallAction } from '../agent/install/actions.ts';
import { configProblem } from '../agent/install/check-config.ts';
import { renderAgentConfig } from '../agent/install/config-file.ts';
import { DEFAULT_LAYOUT, DEFAULT_MEMORY_MAX, DEVICE_AGENT_DIR, DEVICE_NODE, type InstallLayout } from '../agent/install/layout.ts';
import { planInstall, planUninstall } from '../agent/install/plan.ts';
import { AGENT_ID_RULE, isValidAgentId } from '../protocol/topics.ts';
import { UsageError, type Command, type FlagSpecs, type FlagValues } from './flags.ts';

const targetFlags = {
  root: { kind: 'string', description: 'install into this directory instead of / (an image, a test): no systemctl, users go into DIR/etc/passwd' },
  'dry-run': { kind: 'boolean', description: 'print every step (and every file but the password) without doing anything' },
  user: { kind: 'string', description: 'the system user the service runs as', default: DEFAULT_LAYOUT.user },
} satisfies FlagSpecs;

const installFlags = {
  config: { kind: 'string', description: `agent.yaml to install as ${DEFAULT_LAYOUT.configFile} (from outpost aggregator add-agent); an existing one is kept` },
  'password-file': { kind: 'string', description: `the broker password (from add-agent), installed as ${DEFAULT_LAYOUT.passwordFile}, mode 0600` },
  broker: { kind: 'string', description: 'without --config: write a config for this broker URL (mqtt:// or mqtts://)' },
  id: { kind: 'string', description: 'without --config: the agent id to write into it (default: left out, so the agent uses the host name)' },
  node: { kind: 'string', description: `node binary the service runs (default: this one; with --root ${DEVICE_NODE})` },
  program: { kind: 'string', description: `outpost program the service runs (default: this one; with --root ${DEVICE_AGENT_DIR}/lib/outpost.mjs)` },
  'memory-max': { kind: 'string', description: "the service's memory cap (systemd MemoryMax=)", default: DEFAULT_MEMORY_MAX },
  ...targetFlags,
} satisfies FlagSpecs;

const uninstallFlags = {
  purge: { kind: 'boolean', description: `also delete the queued data (${DEFAULT_LAYOUT.dataDir}) and the user` },
  ...targetFlags,
} satisfies FlagSpecs;

/** The system is changed only as root; --root and --dry-run change nothing outside DIR. */
function target(values: FlagValues): { root: string; dryRun: boolean; layout: InstallLayout } {
  const dryRun = values['dry-run'] === true;
  const given = values.root as string | undefined;
  const root = given === undefined ? '/' : resolve(given);
  if (given !== undefined && !statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--root ${given}: not a directory`);
  if (root === '/' && !dryRun && process.getuid?.() !== 0) {
    throw new UsageError('must run as root (sudo) to install a system service; --dry-run shows what it would do, --root DIR installs into a directory');
  }
  const user = values.user as string;
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(user)) throw new UsageError(`--user ${JSON.stringify(user)}: expected a system user name (lower case letters, digits, "_", "-")`);
  return { root, dryRun, layout: { ...DEFAULT_LAYOUT, user } };
}

/** systemd hides these from the service (ProtectHome=, PrivateTmp=), and the service user cannot enter them anyway. */
const HIDDEN_FROM_SERVICE = ['/home/', '/root/', '/tmp/', '/var/tmp/', '/run/user/'];

function runtimePaths(values: FlagValues, root: string): { node: string; program: string } {
  if (root !== '/') {
    const self = realpathSync(process.argv[1] as string);
    const inside = self.startsWith(`${root}/`) ? self.slice(root.length) : undefined;
    return { node: (values.node as string | undefined) ?? DEVICE_NODE, program: (values.program as string | undefined) ?? inside ?? `${DEVICE_AGENT_DIR}/lib/outpost.mjs` };
  }
  const paths = { node: (values.node as string | undefined) ?? realpathSync(process.execPath), program: (values.program as string | undefined) ?? realpathSync(process.argv[1] as string) };
  for (const [flag, path] of Object.entries(paths)) {
    if (!path.startsWith('/')) throw new UsageError(`--${flag} ${path}: must be an absolute path`);
    if (HIDDEN_FROM_SERVICE.some((dir) => path.startsWith(dir))) {
      throw new UsageError(
        `the service could not run ${path}: systemd hides ${path.split('/').slice(0, 3).join('/')} from it. Unpack the agent under /opt ` +
          `(tar -xzf outpost-agent-….tar.gz -C /opt) and run ${DEVICE_AGENT_DIR}/bin/outpost agent install, or give --${flag}`,
      );
    }
  }
  return paths;
}

function readSmall(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--${flag} ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** The config to install: --config as given, else one written from --broker/--id, else the device's own. */
function configText(values: FlagValues, root: string, layout: InstallLayout, password: string | undefined): string {
  const file = values.config as string | undefined;
  const broker = values.broker as string | undefined;
  const id = values.id as string | undefined;
  if (file !== undefined) {
    if (broker !== undefined || id !== undefined) throw new UsageError('--broker and --id write a new config: give them or --config, not both');
    const text = readSmall('config', file);
    // Paths in the file are the device's; only on the device itself can they be checked.
    const problem = root === '/' ? configProblem(file, text, password === undefined ? undefined : layout.passwordFile) : undefined;
    if (problem) throw new UsageError(problem);
    return text;
  }
  if (broker !== undefined) {
    const problem = brokerUrlProblem(broker);
    if (problem) throw new UsageError(`--broker: ${problem}`);
    if (id !== undefined && !isValidAgentId(id)) throw new UsageError(`--id ${JSON.stringify(id)}: must be ${AGENT_ID_RULE}`);
    return renderAgentConfig(
      { ...(id !== undefined ? { id } : {}), brokerUrl: broker, ...(password !== undefined ? { passwordFile: layout.passwordFile } : {}), dataDir: layout.dataDir },
      ['Outpost agent, written by `outpost agent install`.'],
    );
  }
  const existing = join(root, layout.configFile);
  if (existsSync(existing)) return readFileSync(existing, 'utf8');
  throw new UsageError(`give --config FILE (outpost aggregator add-agent writes one) or --broker URL: there is no ${layout.configFile} yet`);
}

/** A step that cannot go on (useradd failed) ends the command with its message, not a stack trace. */
function apply(actions: readonly InstallAction[], env: ApplyEnv): void {
  try {
    applyActions(actions, env);
  } catch (err) {
    throw err instanceof InstallError ? new UsageError(err.message) : err;
  }
}

export const agentInstallCommand: Command = {
  name: 'agent install',
  summary:
    `Install the agent as a systemd service: a system user without a login shell, ${DEFAULT_LAYOUT.configFile} (an existing one is kept), ` +
    `the password file (0600), ${DEFAULT_LAYOUT.dataDir} (0750) and a hardened unit, then enable and start it. Run as root.`,
  flags: installFlags,
  async run({ values }) {
    const { root, dryRun, layout } = target(values);
    const passwordFile = values['password-file'] as string | undefined;
    const password = passwordFile === undefined ? undefined : readSmall('password-file', passwordFile).trim();
    if (password === '') throw new UsageError(`--password-file ${passwordFile} is empty`);
    const memoryMax = values['memory-max'] as string;
    if (!/^\d+[KMGT]?$/.test(memoryMax)) throw new UsageError(`--memory-max ${JSON.stringify(memoryMax)}: expected bytes with an optional K, M, G or T, e.g. 256M`);
    const text = configText(values, root, layout, password);
    const actions = planInstall({ layout, configText: text, ...(password !== undefined ? { password } : {}), ...runtimePaths(values, root), memoryMax });
    const say = (line: string) => process.stdout.write(`${line}\n`);
    apply(actions, { root, dryRun, say });
    if (dryRun) return;
    if (password === undefined && !existsSync(join(root, layout.passwordFile))) {
      say(`note: no password installed: fine only if the broker does not ask for one (outpost aggregator add-agent writes one; give it with --password-file)`);
    }
    if (root === '/') {
      say(`installed. The agent id is the config's agent.id or else this host's name (${defaultAgentId(hostname())}); it must be the id enrolled on the aggregator.`);
      say(`Follow it with: journalctl -u ${layout.unitName} -f`);
    }
  },
};

export const agentUninstallCommand: Command = {
  name: 'agent uninstall',
  summary: `Stop and disable the service, remove its unit, config and password. The queued data (${DEFAULT_LAYOUT.dataDir}) and the user stay unless --purge.`,
  flags: uninstallFlags,
  async run({ values }) {
    const { root, dryRun, layout } = target(values);
    const say = (line: string) => process.stdout.write(`${line}\n`);
    apply(planUninstall(layout, values.purge === true), { root, dryRun, say });
    if (!dryRun && values.purge !== true) say(`kept ${layout.dataDir} (data not yet sent) and user ${layout.user}; --purge removes them`);
  },
};
