import type { CommandEntry } from './run-cli.ts';

/** `outpost agent` and its subcommands: shared by the full CLI and the agent tarball's (outpost-agent.ts). */
export const AGENT_ENTRY: CommandEntry = {
  name: 'agent',
  summary: 'Collect and scrape metrics, queue them durably, push them to the aggregator.',
  load: async () => (await import('./agent-command.ts')).agentCommand,
  subcommands: [
    { name: 'install', summary: 'Install the agent as a systemd service (user, config, data directory, unit).', load: async () => (await import('./install-command.ts')).agentInstallCommand },
    { name: 'uninstall', summary: 'Remove the service, its unit and config; keep the queued data unless --purge.', load: async () => (await import('./install-command.ts')).agentUninstallCommand },
  ],
};
