import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { agentCommand, agentConfigFrom } from '../../cli/agent-command.ts';
import { aggregatorCommand } from '../../cli/aggregator-command.ts';
import { demoCommand } from '../../cli/demo-command.ts';
import { defaultValues, parseFlags, UsageError } from '../../cli/flags.ts';

const CLI = fileURLToPath(new URL('../../cli/outpost.mjs', import.meta.url));
const run = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

describe('outpost CLI', () => {
  for (const command of [agentCommand, aggregatorCommand, demoCommand]) {
    it(`'outpost ${command.name} --help' lists every flag`, async () => {
      const { code, stdout } = await run(command.name, '--help');
      expect(code).toBe(0);
      for (const flag of Object.keys(command.flags)) expect(stdout).toContain(`--${flag}`);
    });
  }

  it('lists the commands and fails on an unknown one', async () => {
    expect((await run('--help')).stdout).toMatch(/agent[\s\S]*aggregator/);
    const bad = await run('frobnicate');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown command "frobnicate"');
  });

  it('stops on a bad flag value, naming the flag', async () => {
    const bad = await run('agent', '--interval', 'soon');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--interval "soon"');
    const port = await run('aggregator', '--http-listen', 'localhost');
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--http-listen "localhost": expected host:port');
  });
});

describe('flag parsing', () => {
  it('converts durations, counts and addresses', () => {
    const parsed = parseFlags(agentCommand, ['--interval', '1m30s', '--window', '16']);
    expect(parsed).toMatchObject({ values: { interval: 90_000, window: 16 } });
    expect(parsed !== 'help' && [...parsed.given]).toEqual(['interval', 'window']);
    expect(parseFlags(aggregatorCommand, ['--mqtt-listen', '[::1]:1884'])).toMatchObject({ values: { 'mqtt-listen': { host: '::1', port: 1884 } } });
  });

  it('refuses unknown flags, zero counts and invalid agent ids', () => {
    expect(() => parseFlags(agentCommand, ['--nope'])).toThrow(UsageError);
    expect(() => parseFlags(agentCommand, ['--window', '0'])).toThrow(/--window "0"/);
    expect(() => parseFlags(aggregatorCommand, ['--http-listen', '127.0.0.1:70000'])).toThrow(/--http-listen/);
    const parsed = parseFlags(agentCommand, ['--id', 'bad/id']);
    expect(() => agentConfigFrom(parsed as Exclude<typeof parsed, 'help'>)).toThrow(/--id "bad\/id": must be/);
  });

  it('has valid defaults for every command', () => {
    for (const command of [agentCommand, aggregatorCommand, demoCommand]) expect(() => defaultValues(command.flags)).not.toThrow();
  });
});
