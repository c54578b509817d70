import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectAll, hostCollectors } from '../../../agent/collect/host/index.ts';
import { pick, value } from './fixtures.ts';

// Reads this machine's own /proc; meaningless elsewhere.
describe.runIf(process.platform === 'linux' && existsSync('/proc/stat'))('against the real /proc', () => {
  it('reports a plausible load and idle CPU time', async () => {
    const lines: string[] = [];
    const now = Date.now();
    const samples = await collectAll(hostCollectors(), now, (l) => lines.push(l));

    const load1 = value(samples, 'node_load1');
    expect(load1).toBeGreaterThanOrEqual(0);
    expect(load1).toBeLessThan(10_000);

    const idle = pick(samples, 'node_cpu_seconds_total', { mode: 'idle' });
    expect(idle.length).toBeGreaterThan(0);
    for (const s of idle) {
      expect(s.labels.cpu).toMatch(/^\d+$/);
      expect(s.v).toBeGreaterThanOrEqual(0);
    }
    // Some CPU has idled a little since boot, and no CPU has idled longer than the machine has been up.
    const uptime = now / 1000 - value(samples, 'node_boot_time_seconds');
    expect(Math.max(...idle.map((s) => s.v))).toBeGreaterThan(0);
    expect(Math.max(...idle.map((s) => s.v))).toBeLessThan(uptime + 60);

    expect(value(samples, 'node_memory_MemTotal_bytes')).toBeGreaterThan(64 * 1024 * 1024);
    expect(pick(samples, 'node_network_receive_bytes_total', { device: 'lo' })).toHaveLength(1);
    expect(pick(samples, 'node_filesystem_device_error').length).toBeGreaterThan(0);
    expect(pick(samples, 'node_uname_info', { sysname: 'Linux' })).toHaveLength(1);
    // Hardware that a VM or container may well lack; the /proc basics must never be skipped.
    const optional = ['cpufreq', 'hwmon', 'thermal_zone', 'pressure', 'diskstats'];
    for (const line of lines) expect(optional.some((name) => line.startsWith(`collector ${name} skipped`)), line).toBe(true);
  });
});
