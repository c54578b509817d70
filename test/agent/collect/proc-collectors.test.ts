import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { cpuCollector } from '../../../agent/collect/host/cpu.ts';
import { loadavgCollector } from '../../../agent/collect/host/loadavg.ts';
import { meminfoCollector } from '../../../agent/collect/host/meminfo.ts';
import { netdevCollector } from '../../../agent/collect/host/netdev.ts';
import { statCollector } from '../../../agent/collect/host/stat.ts';
import { timeCollector } from '../../../agent/collect/host/time.ts';
import { unameCollector } from '../../../agent/collect/host/uname.ts';
import { PROC_MEMINFO, PROC_NET_DEV, PROC_STAT, fixtureTree, pick, removeFixtures, value } from './fixtures.ts';

const NOW = 1_700_000_123_456;
afterEach(removeFixtures);

describe('cpu', () => {
  it('turns jiffies into seconds per cpu and mode, with guest time separately', async () => {
    const samples = await cpuCollector({ procPath: fixtureTree({ stat: PROC_STAT }) }).collect(NOW);
    expect(value(samples, 'node_cpu_seconds_total', { cpu: '0', mode: 'user' })).toBe(12.34);
    expect(value(samples, 'node_cpu_seconds_total', { cpu: '1', mode: 'idle' })).toBe(617.28);
    expect(value(samples, 'node_cpu_seconds_total', { cpu: '1', mode: 'steal' })).toBe(0.03);
    expect(value(samples, 'node_cpu_guest_seconds_total', { cpu: '0', mode: 'user' })).toBe(0.03);
    expect(value(samples, 'node_cpu_guest_seconds_total', { cpu: '0', mode: 'nice' })).toBe(0.01);
    // Eight modes plus two guest modes per CPU, and no aggregate "cpu" line.
    expect(samples).toHaveLength(20);
    expect(new Set(pick(samples, 'node_cpu_seconds_total').map((s) => s.labels.mode))).toEqual(
      new Set(['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal']),
    );
    expect(samples[0]).toEqual({
      labels: { __name__: 'node_cpu_seconds_total', cpu: '0', mode: 'user' },
      v: 12.34,
      t: NOW,
    });
  });

  it('never lets a counter go backwards, but resets a CPU whose idle jumps back (hotplug)', async () => {
    const line = (idle: number, iowait: number) => `cpu  0 0 0 0 0 0 0 0\ncpu0 100 0 0 ${idle} ${iowait} 0 0 0 0 0\n`;
    const procPath = fixtureTree({ stat: line(100_000, 500) });
    const c = cpuCollector({ procPath });
    await c.collect(NOW);
    writeFileSync(`${procPath}/stat`, line(100_050, 400));
    const second = await c.collect(NOW + 1);
    expect(value(second, 'node_cpu_seconds_total', { cpu: '0', mode: 'iowait' })).toBe(5);
    writeFileSync(`${procPath}/stat`, line(10, 0));
    const third = await c.collect(NOW + 2);
    expect(value(third, 'node_cpu_seconds_total', { cpu: '0', mode: 'idle' })).toBe(0.1);
  });

  it('reports offline CPUs in the numbering gap as zero, as node_exporter does', async () => {
    const stat = 'cpu  1 1 1 1 1 1 1 1\ncpu0 100 0 0 0 0 0 0 0 0 0\ncpu2 200 0 0 0 0 0 0 0 0 0\n';
    const samples = await cpuCollector({ procPath: fixtureTree({ stat }) }).collect(NOW);
    expect(value(samples, 'node_cpu_seconds_total', { cpu: '1', mode: 'user' })).toBe(0);
    expect(value(samples, 'node_cpu_seconds_total', { cpu: '2', mode: 'user' })).toBe(2);
  });
});

describe('loadavg', () => {
  it('reads the three load averages', async () => {
    const procPath = fixtureTree({ loadavg: '0.18 1.25 2.50 1/83 3540\n' });
    const samples = await loadavgCollector({ procPath }).collect(NOW);
    expect(samples).toEqual([
      { labels: { __name__: 'node_load1' }, v: 0.18, t: NOW },
      { labels: { __name__: 'node_load5' }, v: 1.25, t: NOW },
      { labels: { __name__: 'node_load15' }, v: 2.5, t: NOW },
    ]);
  });

  it('rejects garbage instead of reporting NaN', async () => {
    await expect(loadavgCollector({ procPath: fixtureTree({ loadavg: 'x\n' }) }).collect(NOW)).rejects.toThrow();
  });
});

describe('meminfo', () => {
  it('names fields as node_exporter does and converts kB to bytes', async () => {
    const samples = await meminfoCollector({ procPath: fixtureTree({ meminfo: PROC_MEMINFO }) }).collect(NOW);
    expect(value(samples, 'node_memory_MemTotal_bytes')).toBe(16384);
    expect(value(samples, 'node_memory_Active_anon_bytes')).toBe(102400);
    expect(value(samples, 'node_memory_Inactive_file_bytes')).toBe(204800);
    expect(value(samples, 'node_memory_HugePages_Total')).toBe(4);
    expect(value(samples, 'node_memory_HugePages_Free')).toBe(3);
    expect(value(samples, 'node_memory_Hugepagesize_bytes')).toBe(2048 * 1024);
    expect(value(samples, 'node_memory_DirectMap4k_bytes')).toBe(185660 * 1024);
    expect(samples).toHaveLength(9);
    expect(samples.every((s) => Object.keys(s.labels).length === 1)).toBe(true);
  });
});

describe('stat', () => {
  it('reads boot time, context switches, forks, interrupts and process counts', async () => {
    const samples = await statCollector({ procPath: fixtureTree({ stat: PROC_STAT }) }).collect(NOW);
    expect(Object.fromEntries(samples.map((s) => [s.labels.__name__, s.v]))).toEqual({
      node_intr_total: 1184711,
      node_context_switches_total: 2418264,
      node_forks_total: 12345,
      node_boot_time_seconds: 1700000000,
      node_procs_running: 2,
      node_procs_blocked: 1,
    });
  });
});

describe('netdev', () => {
  it('emits every /proc/net/dev column per device, excluding none', async () => {
    const sysPath = fixtureTree({ 'class/net/eth0/statistics/rx_nohandler': '42\n' });
    const procPath = fixtureTree({ 'net/dev': PROC_NET_DEV });
    const samples = await netdevCollector({ procPath, sysPath }).collect(NOW);
    expect(new Set(samples.map((s) => s.labels.device))).toEqual(new Set(['lo', 'eth0', 'docker0']));
    const eth0 = Object.fromEntries(
      samples.filter((s) => s.labels.device === 'eth0').map((s) => [s.labels.__name__, s.v]),
    );
    expect(eth0).toEqual({
      node_network_receive_bytes_total: 987654321,
      node_network_receive_packets_total: 1234,
      node_network_receive_errs_total: 1,
      node_network_receive_drop_total: 2,
      node_network_receive_fifo_total: 3,
      node_network_receive_frame_total: 4,
      node_network_receive_compressed_total: 5,
      node_network_receive_multicast_total: 6,
      node_network_transmit_bytes_total: 123456789,
      node_network_transmit_packets_total: 4321,
      node_network_transmit_errs_total: 7,
      node_network_transmit_drop_total: 8,
      node_network_transmit_fifo_total: 9,
      node_network_transmit_colls_total: 10,
      node_network_transmit_carrier_total: 11,
      node_network_transmit_compressed_total: 12,
      node_network_receive_nohandler_total: 42,
    });
    // No sysfs entry for lo: the nohandler series is left out rather than invented.
    expect(pick(samples, 'node_network_receive_nohandler_total', { device: 'lo' })).toHaveLength(0);
    expect(samples).toHaveLength(16 * 3 + 1);
  });
});

describe('time', () => {
  it('reports the wall clock with its fraction, and the clocksources', async () => {
    const sysPath = fixtureTree({
      'devices/system/clocksource/clocksource0/available_clocksource': 'tsc hpet acpi_pm \n',
      'devices/system/clocksource/clocksource0/current_clocksource': 'tsc\n',
    });
    const samples = await timeCollector({ sysPath, clock: () => 1_700_000_000_250 }).collect(NOW);
    expect(value(samples, 'node_time_seconds')).toBe(1_700_000_000.25);
    expect(pick(samples, 'node_time_clocksource_available_info').map((s) => s.labels.clocksource)).toEqual([
      'tsc',
      'hpet',
      'acpi_pm',
    ]);
    expect(value(samples, 'node_time_clocksource_current_info', { device: '0', clocksource: 'tsc' })).toBe(1);
  });

  it('still reports the time when sysfs is missing', async () => {
    const samples = await timeCollector({ sysPath: '/nonexistent-outpost-sys' }).collect(NOW);
    expect(samples.map((s) => s.labels.__name__)).toEqual(['node_time_seconds', 'node_time_zone_offset_seconds']);
    expect(Math.abs((samples[0]?.v ?? 0) - Date.now() / 1000)).toBeLessThan(5);
  });
});

describe('uname', () => {
  it('labels node_uname_info with the kernel identity', async () => {
    const procPath = fixtureTree({
      'sys/kernel/ostype': 'Linux\n',
      'sys/kernel/osrelease': '6.1.0-13-amd64\n',
      'sys/kernel/version': '#1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1 (2023-09-29)\n',
      'sys/kernel/hostname': 'edge-7\n',
      'sys/kernel/domainname': '(none)\n',
    });
    const [s, ...rest] = await unameCollector({ procPath }).collect(NOW);
    expect(rest).toHaveLength(0);
    expect(s?.v).toBe(1);
    expect(s?.labels).toEqual({
      __name__: 'node_uname_info',
      sysname: 'Linux',
      release: '6.1.0-13-amd64',
      version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1 (2023-09-29)',
      machine: expect.any(String),
      nodename: 'edge-7',
      domainname: '(none)',
    });
  });
});
