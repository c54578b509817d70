import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { agentCommand, agentConfigFrom } from '../../../cli/agent-command.ts';
import { parseFlags, type ParsedFlags } from '../../../cli/flags.ts';
import { formatByteSize, parseByteSize } from '../../../agent/config/byte-size.ts';
import { DEFAULT_AGENT } from '../../../agent/config/defaults.ts';
import { readAgentFile } from '../../../agent/config/file.ts';

const EXAMPLE = fileURLToPath(new URL('../../../agent/agent.example.yaml', import.meta.url));
const MiB = 1024 * 1024;
const DAY = 86_400_000;
const flags = (...argv: string[]) => parseFlags(agentCommand, argv) as ParsedFlags;

describe('queue bounds in the agent configuration', () => {
  it('reads sizes as Prometheus does: powers of 1024, MiB spellings too', () => {
    expect([parseByteSize('512'), parseByteSize('64KB'), parseByteSize('256MB'), parseByteSize('2GiB')]).toEqual([512, 64 * 1024, 256 * MiB, 2 * 1024 * MiB]);
    expect([parseByteSize('1.5GB'), parseByteSize('10 apples'), parseByteSize('')]).toEqual([undefined, undefined, undefined]);
    expect(formatByteSize(256 * MiB)).toBe('256MB');
    expect(parseByteSize(formatByteSize(DEFAULT_AGENT.maxQueueBytes))).toBe(DEFAULT_AGENT.maxQueueBytes);
  });

  it('takes max_queue_bytes and max_queue_age from the file, and the example states them', () => {
    expect(readAgentFile('a.yaml', 'agent: {max_queue_bytes: 64MB, max_queue_age: 36h}')).toMatchObject({ maxQueueBytes: 64 * MiB, maxQueueAgeMs: 36 * 3600_000 });
    expect(readAgentFile('a.yaml', 'agent: {max_queue_bytes: 1048576}').maxQueueBytes).toBe(MiB);
    expect(readAgentFile(EXAMPLE)).toMatchObject({ maxQueueBytes: 256 * MiB, maxQueueAgeMs: 7 * DAY });
    expect(() => readAgentFile('a.yaml', 'agent:\n  max_queue_bytes: lots\n')).toThrow(/a\.yaml:2: agent\.max_queue_bytes: expected a size such as 64MB/);
    expect(() => readAgentFile('a.yaml', 'agent:\n  max_queue_age: 0s\n')).toThrow(/agent\.max_queue_age: must be greater than 0/);
  });

  it('defaults to 256 MiB and 7 days, and a flag beats the file', () => {
    expect(agentConfigFrom(flags())).toMatchObject({ maxQueueBytes: 256 * MiB, maxQueueAgeMs: 7 * DAY });
    const file = readAgentFile('a.yaml', 'agent: {max_queue_bytes: 64MB, max_queue_age: 2d}');
    expect(agentConfigFrom(flags(), file)).toMatchObject({ maxQueueBytes: 64 * MiB, maxQueueAgeMs: 2 * DAY });
    expect(agentConfigFrom(flags('--max-queue-bytes', '1GB', '--max-queue-age', '12h'), file)).toMatchObject({ maxQueueBytes: 1024 * MiB, maxQueueAgeMs: 12 * 3600_000 });
    expect(() => agentConfigFrom(flags('--max-queue-bytes', 'huge'))).toThrow(/--max-queue-bytes "huge": expected a size/);
  });
});
