import { helpText, parseFlags, UsageError, type Command } from './flags.ts';

/**
 * Commands load on demand: an agent on a small device should not pay, in memory and start-up time, for the
 * aggregator's broker, HTTP server and query engine.
 */
const COMMANDS: readonly { name: string; summary: string; load: () => Promise<Command> }[] = [
  { name: 'demo', summary: 'Start an aggregator and an agent for this host in one process.', load: async () => (await import('./demo-command.ts')).demoCommand },
  { name: 'agent', summary: 'Collect and scrape metrics, queue them durably, push them to the aggregator.', load: async () => (await import('./agent-command.ts')).agentCommand },
  { name: 'aggregator', summary: 'Run the broker, store what agents send, serve the Prometheus API and dashboard.', load: async () => (await import('./aggregator-command.ts')).aggregatorCommand },
  { name: 'passwd', summary: "Add, update or remove an agent in the broker's credentials file.", load: async () => (await import('./passwd-command.ts')).passwdCommand },
  { name: 'promqltest', summary: "Run PromQL test scripts (Prometheus' .test files) against the query engine.", load: async () => (await import('./promqltest-command.ts')).promqltestCommand },
];

function usage(): string {
  const rows = COMMANDS.map((c) => `  ${c.name.padEnd(12)}${c.summary}`);
  return `Usage: outpost <command> [flags]\n\nCommands:\n${rows.join('\n')}\n\nRun 'outpost <command> --help' for a command's flags.\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    process.stderr.write(`outpost: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return 2;
  }
  const command = await entry.load();
  try {
    const flags = parseFlags(command, rest);
    if (flags === 'help') {
      process.stdout.write(helpText(command));
      return 0;
    }
    await command.run(flags);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`outpost ${command.name}: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`outpost ${command.name}: ${describe(err)}\n`);
    return 1;
  }
}

/** Start-up failures the user can fix, worded as what to do next. */
function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
  if (e.code === 'EADDRINUSE') return `address ${e.address}:${e.port} is already in use: stop the program using it or choose another with --http-listen / --mqtt-listen`;
  if (e.code === 'EACCES' && e.port !== undefined) return `no permission to listen on port ${e.port}: use a port above 1023`;
  if (e.code === 'EACCES' || e.code === 'EROFS') return `${e.message}: the data directory must be writable (see --data-dir)`;
  return e.stack ?? String(err);
}

process.exitCode = await main(process.argv.slice(2));
