import { afterEach, describe, expect, it } from 'vitest';
import type { Collector } from '../../../agent/collect/collector.ts';
import { HOST_METRIC_META, collectAll, hostCollectors, hostMetricMeta } from '../../../agent/collect/host/index.ts';
import { PROCESS_META } from '../../../agent/collect/process.ts';
import { labelsProblem } from '../../../protocol/labels.ts';
import { PROC_MEMINFO, PROC_MOUNTS, PROC_NET_DEV, PROC_STAT, fixtureTree, removeFixtures } from './fixtures.ts';

const NOW = 1_700_000_000_000;
afterEach(removeFixtures);

describe('collectAll', () => {
  it('skips collectors whose source is missing, logging each once, and never throws', async () => {
    const collectors = hostCollectors({ procPath: '/nonexistent-outpost-proc', sysPath: '/nonexistent-outpost-sys' });
    const lines: string[] = [];
    const first = await collectAll(collectors, NOW, (l) => lines.push(l));
    await collectAll(collectors, NOW + 15_000, (l) => lines.push(l));
    // uname falls back to the os module, time needs no files and the process collector reads this process' own
    // /proc (never the host's procPath); everything else reads procPath or sysPath.
    expect(new Set(first.map((s) => s.labels.__name__))).toEqual(
      new Set(['node_time_seconds', 'node_time_zone_offset_seconds', 'node_uname_info', ...Object.keys(PROCESS_META)]),
    );
    const failing = [
      'cpu', 'cpufreq', 'diskstats', 'filesystem', 'hwmon', 'loadavg', 'meminfo', 'netdev', 'pressure', 'stat',
      'thermal_zone',
    ];
    expect(lines).toHaveLength(failing.length);
    for (const name of failing) expect(lines.filter((l) => l.includes(`collector ${name} `))).toHaveLength(1);
    expect(lines.join('\n')).toContain('ENOENT');
  });

  it('survives collectors that throw synchronously and a logger that throws', async () => {
    const bad: Collector = {
      name: 'bad',
      collect: () => {
        throw new Error('boom');
      },
    };
    const good: Collector = { name: 'good', collect: async (now) => [{ labels: { __name__: 'up' }, v: 1, t: now }] };
    const out = await collectAll([bad, good], NOW, () => {
      throw new Error('logger down');
    });
    expect(out).toEqual([{ labels: { __name__: 'up' }, v: 1, t: NOW }]);
  });
});

describe('host collectors together', () => {
  it('emit only valid label sets with TYPE/HELP known for every family, and no job/instance', async () => {
    const procPath = fixtureTree({
      stat: PROC_STAT,
      meminfo: PROC_MEMINFO + 'SomeFutureField:   12 kB\n',
      loadavg: '0.1 0.2 0.3 1/2 3\n',
      'net/dev': PROC_NET_DEV,
      '1/mounts': PROC_MOUNTS,
      diskstats: '   8       0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n',
      'pressure/cpu': 'some avg10=0.00 avg60=0.00 avg300=0.00 total=1\n',
      'pressure/io': 'some avg10=0.00 avg60=0.00 avg300=0.00 total=1\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=1\n',
      'pressure/memory': 'some avg10=0.00 avg60=0.00 avg300=0.00 total=1\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=1\n',
    });
    const sysPath = fixtureTree({
      'class/hwmon/hwmon0/name': 'acpitz\n',
      'class/hwmon/hwmon0/temp1_input': '27800\n',
      'class/hwmon/hwmon0/temp1_crit': '119000\n',
      'class/hwmon/hwmon0/fan1_input': '900\n',
      'class/thermal/thermal_zone0/type': 'acpitz\n',
      'class/thermal/thermal_zone0/policy': 'step_wise\n',
      'class/thermal/thermal_zone0/temp': '27800\n',
      'devices/system/cpu/cpu0/cpufreq/scaling_cur_freq': '800000\n',
    });
    const lines: string[] = [];
    const statfs = async () => ({ bsize: 1, blocks: 1, bfree: 1, bavail: 1, files: 1, ffree: 1 });
    const collectors = hostCollectors({ procPath, sysPath, statfs, udevDataPath: '/nonexistent-outpost-udev' });
    const samples = await collectAll(collectors, NOW, (l) => lines.push(l));
    expect(lines).toEqual([]);
    for (const prefix of ['node_disk_', 'node_pressure_', 'node_hwmon_', 'node_thermal_zone_', 'node_cpu_scaling_']) {
      expect(samples.some((s) => s.labels.__name__?.startsWith(prefix)), prefix).toBe(true);
    }
    for (const s of samples) {
      expect(labelsProblem(s.labels)).toBeUndefined();
      expect(s.labels).not.toHaveProperty('job');
      expect(s.labels).not.toHaveProperty('instance');
      expect(s.t).toBe(NOW);
      expect(Number.isFinite(s.v)).toBe(true);
      expect(hostMetricMeta(s.labels.__name__ as string), s.labels.__name__).toBeDefined();
    }
    expect(hostMetricMeta('node_memory_SomeFutureField_bytes')).toEqual({
      type: 'gauge',
      help: 'Memory information field SomeFutureField_bytes.',
    });
    expect(HOST_METRIC_META['node_memory_MemTotal_bytes']).toEqual({
      type: 'gauge',
      help: 'Memory information field MemTotal_bytes.',
    });
    expect(HOST_METRIC_META['node_cpu_seconds_total']?.type).toBe('counter');
    expect(HOST_METRIC_META['node_memory_HugePages_Total']?.type).toBe('gauge');
  });
});
