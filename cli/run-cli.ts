import { helpText, parseFlags, UsageError, type Command } from './flags.ts';

/** A command in the registry, loaded only when run; `subcommands` are reached as `outpost <name> <sub>`. */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<Command>;
  readonly subcommands?: readonly CommandEntry[];
}

function usage(commands: readonly CommandEntry[]): string {
  const rows = commands.flatMap((c) => [
    `  ${c.name.padEnd(12)}${c.summary}`,
    ...(c.subcommands ?? []).map((s) => `  ${`${c.name} ${s.name}`.padEnd(24)}${s.summary}`),
  ]);
  return `Usage: outpost <command> [flags]\n\nCommands:\n${rows.join('\n')}\n\nRun 'outpost <command> --help' for a command's flags.\n`;
}

/** Runs one command line against a registry and returns the exit code: 0 done, 1 failed, 2 usage. */
export async function runCli(commands: readonly CommandEntry[], argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage(commands));
    return name === undefined ? 2 : 0;
  }
  const top = commands.find((c) => c.name === name);
  if (!top) {
    process.stderr.write(`outpost: unknown command ${JSON.stringify(name)}\n\n${usage(commands)}`);
    return 2;
  }
  const sub = top.subcommands?.find((s) => s.name === rest[0]);
  const entry = sub ?? top;
  const command = await entry.load();
  try {
    const flags = parseFlags(command, sub ? rest.slice(1) : rest);
    if (flags === 'help') {
      const subs = sub ? [] : (top.subcommands ?? []).map((s) => `  ${`${top.name} ${s.name}`.padEnd(24)}${s.summary}`);
      process.stdout.write(helpText(command) + (subs.length > 0 ? `\nSubcommands (each takes --help):\n${subs.join('\n')}\n` : ''));
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
