import { AGENT_ENTRY } from './agent-entry.ts';
import { runCli, type CommandEntry } from './run-cli.ts';

/**
 * Commands load on demand: an agent on a small device should not pay, in memory and start-up time, for the
 * aggregator's broker, HTTP server and query engine.
 */
const COMMANDS: readonly CommandEntry[] = [
  { name: 'demo', summary: 'Start an aggregator and an agent for this host in one process.', load: async () => (await import('./demo-command.ts')).demoCommand },
  AGENT_ENTRY,
  {
    name: 'aggregator',
    summary: 'Run the broker, store what agents send, serve the Prometheus API and dashboard.',
    load: async () => (await import('./aggregator-command.ts')).aggregatorCommand,
    subcommands: [
      { name: 'add-agent', summary: "Enrol an agent: its broker credentials, config file and install command.", load: async () => (await import('./enrol-command.ts')).addAgentCommand },
      { name: 'remove-agent', summary: 'Revoke an agent: the running broker disconnects it at once.', load: async () => (await import('./enrol-command.ts')).removeAgentCommand },
    ],
  },
  { name: 'passwd', summary: "Add, update or remove an agent in the broker's credentials file.", load: async () => (await import('./passwd-command.ts')).passwdCommand },
  {
    name: 'rules',
    summary: 'Check Prometheus rule files or run their unit tests, as promtool does.',
    load: async () => (await import('./rules-command.ts')).rulesCommand,
    subcommands: [
      { name: 'check', summary: 'Check rule files (promtool check rules).', load: async () => (await import('./rules-command.ts')).rulesCheckCommand },
      { name: 'test', summary: "Run rule unit tests in promtool's format (promtool test rules).", load: async () => (await import('./rules-command.ts')).rulesTestCommand },
    ],
  },
  { name: 'promqltest', summary: "Run PromQL test scripts (Prometheus' .test files) against the query engine.", load: async () => (await import('./promqltest-command.ts')).promqltestCommand },
];

process.exitCode = await runCli(COMMANDS, process.argv.slice(2));
