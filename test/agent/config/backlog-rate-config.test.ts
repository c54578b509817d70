import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseByteRate } from '../../../agent/config/byte-size.ts';
import { DEFAULT_AGENT } from '../../../agent/config/defaults.ts';
import { readAgentFile } from '../../../agent/config/file.ts';
import { agentCommand, agentConfigFrom } from '../../../cli/agent-command.ts';
import { parseFlags, type ParsedFlags } from '../../../cli/flags.ts';

const EXAMPLE = fileURLToPath(new URL('../../../agent/agent.example.yaml', import.meta.url));
const KiB = 1024;
const flags = (...argv: string[]) => parseFlags(agentCommand, argv) as ParsedFlags;

describe('the backlog rate in the agent configuration', () => {
  it('reads a byte size per second, with or without /s, and 0 for no cap', () => {
    expect([parseByteRate('256KB'), parseByteRate('256KB/s'), parseByteRate('1MB/s'), parseByteRate('0'), parseByteRate('512')]).toEqual([
      256 * KiB,
      256 * KiB,
      1024 * KiB,
      0,
      512,
    ]);
    expect([parseByteRate('fast'), parseByteRate('1.5MB/s'), parseByteRate('256KB/h')]).toEqual([undefined, undefined, undefined]);
  });

  it('takes agent.backlog_rate from the file, names the line of a bad one, and the example states the default', () => {
    expect(readAgentFile('a.yaml', 'agent: {backlog_rate: 64KB/s}').backlogBytesPerSec).toBe(64 * KiB);
    expect(readAgentFile('a.yaml', 'agent: {backlog_rate: 0}').backlogBytesPerSec).toBe(0);
    expect(() => readAgentFile('a.yaml', 'agent:\n  backlog_rate: fast\n')).toThrow(/a\.yaml:2: agent\.backlog_rate: expected bytes per second/);
    expect(readAgentFile(EXAMPLE).backlogBytesPerSec).toBe(DEFAULT_AGENT.backlogBytesPerSec);
  });

  it('defaults to 256 KiB/s, and --backlog-rate beats the file', () => {
    expect(agentConfigFrom(flags()).backlogBytesPerSec).toBe(256 * KiB);
    const file = readAgentFile('a.yaml', 'agent: {backlog_rate: 64KB}');
    expect(agentConfigFrom(flags(), file).backlogBytesPerSec).toBe(64 * KiB);
    expect(agentConfigFrom(flags('--backlog-rate', '2MB/s'), file).backlogBytesPerSec).toBe(2048 * KiB);
    expect(agentConfigFrom(flags('--backlog-rate', '0'), file).backlogBytesPerSec).toBe(0);
    expect(() => agentConfigFrom(flags('--backlog-rate', 'lots'))).toThrow(/--backlog-rate "lots": expected bytes per second/);
  });
});
