import { afterEach, describe, expect, it } from 'vitest';
import { CPUFREQ_META, cpufreqCollector } from '../../../agent/collect/host/cpufreq.ts';
import { PRESSURE_META, parsePressure, pressureCollector } from '../../../agent/collect/host/pressure.ts';
import { THERMAL_ZONE_META, thermalZoneCollector } from '../../../agent/collect/host/thermal.ts';
import { fixtureTree, pick, removeFixtures, value } from './fixtures.ts';

const NOW = 1_700_000_000_000;
afterEach(removeFixtures);

describe('thermal_zone', () => {
  const zone = (n: number, type: string, temp: string) => ({
    [`class/thermal/thermal_zone${n}/type`]: `${type}\n`,
    [`class/thermal/thermal_zone${n}/policy`]: 'step_wise\n',
    [`class/thermal/thermal_zone${n}/temp`]: `${temp}\n`,
  });
  const cooling = (n: number, type: string, cur: string, max: string) => ({
    [`class/thermal/cooling_device${n}/type`]: `${type}\n`,
    [`class/thermal/cooling_device${n}/cur_state`]: `${cur}\n`,
    [`class/thermal/cooling_device${n}/max_state`]: `${max}\n`,
  });

  it('reports zone temperatures in celsius and cooling device states', async () => {
    const sysPath = fixtureTree({
      ...zone(0, 'acpitz', '27800'),
      ...zone(1, 'x86_pkg_temp', '-1500'),
      ...zone(10, 'iwlwifi_1', '41000'),
      ...cooling(0, 'Processor', '0', '10'),
      ...cooling(1, 'intel_powerclamp', '-1', '50'),
      'class/thermal/thermal_zoneX/type': 'not a zone\n',
    });
    const samples = await thermalZoneCollector({ sysPath }).collect(NOW);
    expect(value(samples, 'node_thermal_zone_temp', { zone: '0', type: 'acpitz' })).toBe(27.8);
    expect(value(samples, 'node_thermal_zone_temp', { zone: '1', type: 'x86_pkg_temp' })).toBe(-1.5);
    expect(value(samples, 'node_thermal_zone_temp', { zone: '10', type: 'iwlwifi_1' })).toBe(41);
    expect(value(samples, 'node_cooling_device_cur_state', { name: '0', type: 'Processor' })).toBe(0);
    expect(value(samples, 'node_cooling_device_max_state', { name: '0', type: 'Processor' })).toBe(10);
    expect(value(samples, 'node_cooling_device_cur_state', { name: '1' })).toBe(-1);
    expect(samples).toHaveLength(3 + 4);
    for (const s of samples) expect(THERMAL_ZONE_META[s.labels.__name__ as string]).toBeDefined();
    expect(Object.keys(pick(samples, 'node_thermal_zone_temp')[0]?.labels ?? {}).sort()).toEqual(['__name__', 'type', 'zone']);
    expect(Object.keys(pick(samples, 'node_cooling_device_cur_state')[0]?.labels ?? {}).sort()).toEqual([
      '__name__',
      'name',
      'type',
    ]);
  });

  it('fails on an unreadable zone as procfs does, and rejects where there are no zones', async () => {
    const broken = fixtureTree({ ...zone(0, 'acpitz', 'hot') });
    await expect(thermalZoneCollector({ sysPath: broken }).collect(NOW)).rejects.toThrow(/invalid integer/);
    const empty = fixtureTree({ 'class/thermal/.keep': '' });
    await expect(thermalZoneCollector({ sysPath: empty }).collect(NOW)).rejects.toThrow(/no thermal zones/);
    await expect(thermalZoneCollector({ sysPath: '/nonexistent-outpost-sys' }).collect(NOW)).rejects.toThrow(/ENOENT/);
  });
});

describe('cpufreq', () => {
  const cpu = 'devices/system/cpu';
  it('reports kHz as Hz per CPU, only for the files that exist', async () => {
    const sysPath = fixtureTree({
      [`${cpu}/cpu0/cpufreq/cpuinfo_cur_freq`]: '1800000\n',
      [`${cpu}/cpu0/cpufreq/cpuinfo_min_freq`]: '800000\n',
      [`${cpu}/cpu0/cpufreq/cpuinfo_max_freq`]: '3400000\n',
      [`${cpu}/cpu0/cpufreq/scaling_cur_freq`]: '1799999\n',
      [`${cpu}/cpu0/cpufreq/scaling_min_freq`]: '800000\n',
      [`${cpu}/cpu0/cpufreq/scaling_max_freq`]: '3400000\n',
      [`${cpu}/cpu0/cpufreq/scaling_governor`]: 'powersave\n',
      [`${cpu}/cpu1/cpufreq/scaling_cur_freq`]: '2000000\n',
      [`${cpu}/cpu2/online`]: '1\n',
      [`${cpu}/cpufreq/policy0/scaling_cur_freq`]: '1\n',
      [`${cpu}/cpuidle/current_driver`]: 'none\n',
    });
    const samples = await cpufreqCollector({ sysPath }).collect(NOW);
    expect(value(samples, 'node_cpu_frequency_hertz', { cpu: '0' })).toBe(1.8e9);
    expect(value(samples, 'node_cpu_frequency_min_hertz', { cpu: '0' })).toBe(8e8);
    expect(value(samples, 'node_cpu_frequency_max_hertz', { cpu: '0' })).toBe(3.4e9);
    expect(value(samples, 'node_cpu_scaling_frequency_hertz', { cpu: '0' })).toBe(1799999000);
    expect(value(samples, 'node_cpu_scaling_frequency_min_hertz', { cpu: '0' })).toBe(8e8);
    expect(value(samples, 'node_cpu_scaling_frequency_max_hertz', { cpu: '0' })).toBe(3.4e9);
    expect(samples.filter((s) => s.labels.cpu === '1').map((s) => s.labels.__name__)).toEqual([
      'node_cpu_scaling_frequency_hertz',
    ]);
    expect(samples).toHaveLength(7);
    // node_exporter 1.5 has no governor metric.
    expect(pick(samples, 'node_cpu_scaling_governor')).toHaveLength(0);
    for (const s of samples) expect(CPUFREQ_META[s.labels.__name__ as string]).toBeDefined();
  });

  it('rejects where no CPU has cpufreq (virtual machines) or a value is garbage', async () => {
    const vm = fixtureTree({ [`${cpu}/cpu0/online`]: '1\n', [`${cpu}/cpu1/online`]: '1\n' });
    await expect(cpufreqCollector({ sysPath: vm }).collect(NOW)).rejects.toThrow(/no cpufreq/);
    const bad = fixtureTree({ [`${cpu}/cpu0/cpufreq/scaling_cur_freq`]: '<unknown>\n' });
    await expect(cpufreqCollector({ sysPath: bad }).collect(NOW)).rejects.toThrow(/invalid frequency/);
    await expect(cpufreqCollector({ sysPath: '/nonexistent-outpost-sys' }).collect(NOW)).rejects.toThrow(/ENOENT/);
  });
});

describe('pressure', () => {
  const psi = (some: number, full?: number) =>
    `some avg10=1.28 avg60=7.61 avg300=5.30 total=${some}\n` +
    (full === undefined ? '' : `full avg10=0.00 avg60=0.00 avg300=0.00 total=${full}\n`);

  it('reads the total microseconds of some and full as seconds', async () => {
    const procPath = fixtureTree({
      'pressure/cpu': psi(90831864, 5),
      'pressure/io': psi(7117478, 6146129),
      'pressure/memory': psi(1000000, 0),
    });
    const samples = await pressureCollector({ procPath }).collect(NOW);
    expect(Object.fromEntries(samples.map((s) => [s.labels.__name__, s.v]))).toEqual({
      node_pressure_cpu_waiting_seconds_total: 90831864 / 1000 / 1000,
      node_pressure_io_waiting_seconds_total: 7.117478,
      node_pressure_io_stalled_seconds_total: 6.146129,
      node_pressure_memory_waiting_seconds_total: 1,
      node_pressure_memory_stalled_seconds_total: 0,
    });
    expect(Object.keys(PRESSURE_META).sort()).toEqual(samples.map((s) => s.labels.__name__).sort());
    expect(parsePressure('weird line\n')).toEqual({});
  });

  it('rejects when the kernel has no PSI', async () => {
    await expect(pressureCollector({ procPath: fixtureTree({ stat: '' }) }).collect(NOW)).rejects.toThrow(/ENOENT/);
  });
});
