import { existsSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PROCESS_META,
  pageSizeFromAuxv,
  parseLimits,
  parseProcStat,
  processCollector,
} from '../../../agent/collect/process.ts';
import { fixtureTree, removeFixtures, value } from './fixtures.ts';

const NOW = 1_700_000_000_000;
afterEach(removeFixtures);

// proc(5) layout; the command name holds a space and a parenthesis to show parsing starts after the last ')'.
const SELF_STAT =
  '4242 (node (outpost)) S 1 4242 4242 0 -1 4194560 12345 0 12 0 250 75 0 0 20 0 11 0 ' +
  '123456 1234567890 20000 18446744073709551615 1 1 0 0 0 0 0 16781312 17922 0 0 0 17 1 0 0 0 0 0\n';

const SELF_LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 524288               files
Max address space         unlimited            unlimited            bytes
`;

/** An auxiliary vector: AT_PHDR (3), AT_PAGESZ (6) = 16384, AT_NULL. */
function auxv(words: bigint[], littleEndian = true): Buffer {
  const buf = Buffer.alloc(words.length * 8);
  words.forEach((w, i) => (littleEndian ? buf.writeBigUInt64LE(w, i * 8) : buf.writeBigUInt64BE(w, i * 8)));
  return buf;
}

describe('process collector parsing', () => {
  it('reads /proc/self/stat fields after the command name', () => {
    expect(parseProcStat(SELF_STAT)).toEqual({ utime: 250, stime: 75, starttime: 123456, vsize: 1234567890, rss: 20000 });
    expect(() => parseProcStat('garbage')).toThrow();
  });

  it('reads soft limits, with unlimited as the largest uint64', () => {
    const limits = parseLimits(SELF_LIMITS);
    expect(limits.get('Max open files')).toBe(1024);
    expect(limits.get('Max address space')).toBe(18446744073709551615);
  });

  it('finds AT_PAGESZ in the auxiliary vector', () => {
    expect(pageSizeFromAuxv(auxv([3n, 0x400040n, 6n, 16384n, 0n, 0n]))).toBe(16384);
    expect(pageSizeFromAuxv(auxv([6n, 65536n, 0n, 0n], false), 8, false)).toBe(65536);
    expect(pageSizeFromAuxv(auxv([0n, 0n, 6n, 4096n]))).toBeUndefined();
  });
});

describe('process collector', () => {
  it('reports client_golang process_* names from a fixture /proc and nodejs_* from the runtime', async () => {
    const procPath = fixtureTree({
      stat: 'cpu  1 2 3 4\nbtime 1700000000\n',
      'self/stat': SELF_STAT,
      'self/limits': SELF_LIMITS,
      'self/fd/0': '',
      'self/fd/1': '',
      'self/fd/2': '',
    });
    writeFileSync(`${procPath}/self/auxv`, auxv([6n, 4096n, 0n, 0n]));
    const samples = await processCollector({ procPath }).collect(NOW);
    expect(value(samples, 'process_cpu_seconds_total')).toBe(3.25);
    expect(value(samples, 'process_virtual_memory_bytes')).toBe(1234567890);
    expect(value(samples, 'process_resident_memory_bytes')).toBe(20000 * 4096);
    expect(value(samples, 'process_start_time_seconds')).toBe(1700000000 + 1234.56);
    expect(value(samples, 'process_open_fds')).toBe(3);
    expect(value(samples, 'process_max_fds')).toBe(1024);
    expect(value(samples, 'process_virtual_memory_max_bytes')).toBe(18446744073709551615);
    expect(value(samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(value(samples, 'nodejs_heap_size_total_bytes')).toBeGreaterThanOrEqual(
      value(samples, 'nodejs_heap_size_used_bytes'),
    );
    expect(value(samples, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    const [major, minor, patch] = process.version.slice(1).split('.');
    expect(value(samples, 'nodejs_version_info', { version: process.version, major, minor, patch })).toBe(1);
    expect(new Set(samples.map((s) => s.labels.__name__))).toEqual(new Set(Object.keys(PROCESS_META)));
    expect(samples.every((s) => s.t === NOW)).toBe(true);
  });

  it('rejects without /proc/self/stat', async () => {
    await expect(processCollector({ procPath: '/nonexistent-outpost-proc' }).collect(NOW)).rejects.toThrow(/ENOENT/);
  });

  it.runIf(existsSync('/proc/self/stat'))('agrees with Node about this very process', async () => {
    const samples = await processCollector().collect(Date.now());
    const rss = value(samples, 'process_resident_memory_bytes');
    expect(Math.abs(rss - process.memoryUsage.rss()) / rss).toBeLessThan(0.2);
    const start = value(samples, 'process_start_time_seconds');
    expect(Math.abs(start - (Date.now() / 1000 - process.uptime()))).toBeLessThan(2);
    expect(value(samples, 'process_open_fds')).toBeGreaterThan(2);
  });
});
