import { parseArgs } from 'node:util';
import { BYTE_SIZE_RULE, parseByteSize } from '../agent/config/byte-size.ts';
import { parseDurationMs } from '../promql/duration.ts';

/** One command-line flag: its kind decides how the text is checked and converted. */
export type FlagSpec =
  | { kind: 'string'; description: string; default?: string }
  | { kind: 'duration'; description: string; default?: string }
  | { kind: 'bytes'; description: string; default?: string }
  | { kind: 'count'; description: string; default: number }
  | { kind: 'address'; description: string; default: string }
  | { kind: 'boolean'; description: string };

export type FlagSpecs = Record<string, FlagSpec>;

export interface Address {
  readonly host: string;
  readonly port: number;
}

/** Parsed values: strings as given, durations in ms, sizes in bytes, addresses split. */
export type FlagValues = Record<string, string | number | boolean | Address | undefined>;

export class UsageError extends Error {}

/** Values with defaults filled in, and which flags the user actually gave (they beat a config file). */
export interface ParsedFlags {
  readonly values: FlagValues;
  readonly given: ReadonlySet<string>;
  /** Arguments that are not flags, for commands that declare `positionals`. */
  readonly positionals?: readonly string[];
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly flags: FlagSpecs;
  /** How --help names the non-flag arguments (e.g. `[DIR_OR_FILE…]`); without it, none are accepted. */
  readonly positionals?: string;
  run(flags: ParsedFlags): Promise<void>;
}

export function parseFlags(command: Command, argv: string[]): ParsedFlags | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: command.positionals !== undefined,
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(
          Object.entries(command.flags).map(([name, spec]) => [name, { type: spec.kind === 'boolean' ? 'boolean' : 'string' }] as const),
        ),
      },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}. Run 'outpost ${command.name} --help' for the flags.`);
  }
  if (parsed.values.help) return 'help';
  const values: FlagValues = {};
  const given = new Set<string>();
  for (const [name, spec] of Object.entries(command.flags)) {
    const raw = (parsed.values as Record<string, string | boolean | undefined>)[name];
    if (raw !== undefined) given.add(name);
    values[name] = convert(name, spec, raw);
  }
  return { values, given, ...(command.positionals !== undefined ? { positionals: parsed.positionals } : {}) };
}

function convert(name: string, spec: FlagSpec, raw: string | boolean | undefined): FlagValues[string] {
  if (spec.kind === 'boolean') return raw === true;
  const text = raw === undefined ? ('default' in spec && spec.default !== undefined ? String(spec.default) : undefined) : (raw as string);
  if (text === undefined) return undefined;
  const bad = (what: string) => new UsageError(`--${name} ${JSON.stringify(text)}: ${what}`);
  switch (spec.kind) {
    case 'string':
      if (text === '') throw bad('must not be empty');
      return text;
    case 'duration': {
      const ms = parseDurationMs(text);
      if (ms === undefined || ms <= 0) throw bad('expected a positive duration such as 500ms, 15s or 1m');
      return ms;
    }
    case 'bytes': {
      const bytes = parseByteSize(text);
      if (bytes === undefined) throw bad(`expected ${BYTE_SIZE_RULE}`);
      return bytes;
    }
    case 'count': {
      const n = Number(text);
      if (!Number.isInteger(n) || n < 1) throw bad('expected a whole number of 1 or more');
      return n;
    }
    case 'address': {
      const m = /^(.*):(\d{1,5})$/.exec(text);
      const port = Number(m?.[2]);
      if (!m || m[1] === '' || port > 65535) throw bad('expected host:port, e.g. 127.0.0.1:9470 (port 0 picks a free one)');
      return { host: (m[1] as string).replace(/^\[(.*)\]$/, '$1'), port };
    }
  }
}

/** Every flag at its default, converted as if given on the command line. */
export function defaultValues(specs: FlagSpecs): FlagValues {
  return Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, convert(name, spec, undefined)]));
}

export function helpText(command: Command): string {
  const rows = Object.entries(command.flags).map(([name, spec]) => {
    const arg = spec.kind === 'boolean' ? '' : ` <${spec.kind === 'count' ? 'n' : spec.kind === 'bytes' ? 'size' : spec.kind}>`;
    const dflt = 'default' in spec && spec.default !== undefined ? ` (default ${spec.default})` : '';
    return [`  --${name}${arg}`, `${spec.description}${dflt}`];
  });
  rows.push(['  -h, --help', 'show this help']);
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  const lines = rows.map(([flag, text]) => flag.padEnd(width) + text);
  const args = command.positionals === undefined ? '' : ` ${command.positionals}`;
  return `Usage: outpost ${command.name} [flags]${args}\n\n${command.summary}\n\nFlags:\n${lines.join('\n')}\n`;
}
