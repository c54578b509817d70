import { afterEach, describe, expect, it } from 'vitest';
import {
  HWMON_META,
  cleanHwmonName,
  explodeSensorFilename,
  hwmonCollector,
  hwmonFamily,
  hwmonMeta,
} from '../../../agent/collect/host/hwmon.ts';
import { hostMetricMeta } from '../../../agent/collect/host/index.ts';
import { fixtureTree, pick, removeFixtures, value } from './fixtures.ts';
import { sysFixture } from './sys-fixtures.ts';

const NOW = 1_700_000_000_000;
afterEach(removeFixtures);

describe('hwmon naming', () => {
  it('splits sensor file names like node_exporter', () => {
    expect(explodeSensorFilename('temp1_crit_alarm')).toEqual({ type: 'temp', num: 1, property: 'crit_alarm' });
    expect(explodeSensorFilename('pwm1')).toEqual({ type: 'pwm', num: 1, property: '' });
    expect(explodeSensorFilename('beep_enable')).toEqual({ type: 'beep_enable', num: 0, property: '' });
    expect(explodeSensorFilename('in10_input')).toEqual({ type: 'in', num: 10, property: 'input' });
    expect(explodeSensorFilename('1abc')).toBeUndefined();
  });

  it('sanitises chip names', () => {
    expect(cleanHwmonName('Platform/CoreTemp.0\n')).toBe('platform_coretemp_0');
    expect(cleanHwmonName('pci0000:00')).toBe('pci0000:00');
    expect(cleanHwmonName('__x__')).toBe('x');
  });

  it('finds TYPE/HELP from the name alone for every common family', () => {
    for (const [name, meta] of Object.entries(HWMON_META)) expect(hwmonMeta(name), name).toEqual(meta);
    expect(hwmonMeta('node_hwmon_temp_celsius')).toEqual({ type: 'gauge', help: 'Hardware monitor for temperature (input)' });
    expect(hwmonMeta('node_hwmon_energy_joule_total')?.type).toBe('counter');
    expect(hwmonMeta('node_hwmon_pwm')?.help).toBe('Hardware monitor pwm element ');
    expect(hwmonMeta('node_hwmon_temp_weird_thing_celsius')?.help).toBe('Hardware monitor for temperature (weird_thing)');
    expect(hwmonMeta('node_hwmon_intrusion_alarm')?.help).toBe('Hardware sensor alarm status (intrusion)');
    expect(hwmonMeta('node_hwmon_bogus')).toBeUndefined();
    expect(hwmonFamily('in', 'input', true).name).toBe('node_hwmon_in_input_volts');
  });
});

describe('hwmon collector', () => {
  it('names chips from their device path, else the name file, else hwmonN; temperatures in celsius', async () => {
    const samples = await hwmonCollector({ sysPath: sysFixture() }).collect(NOW);
    const chips = new Set(samples.map((s) => s.labels.chip));
    expect(chips).toEqual(
      new Set(['platform_coretemp_0', 'acpitz', 'platform_nct6775_656', 'pci0000:00_0000:00:01_0', 'hwmon4']),
    );
    const core = { chip: 'platform_coretemp_0', sensor: 'temp1' };
    expect(value(samples, 'node_hwmon_temp_celsius', core)).toBe(45);
    expect(value(samples, 'node_hwmon_temp_max_celsius', core)).toBe(84);
    expect(value(samples, 'node_hwmon_temp_crit_celsius', core)).toBe(100);
    expect(value(samples, 'node_hwmon_temp_crit_alarm_celsius', core)).toBe(0);
    expect(value(samples, 'node_hwmon_temp_celsius', { chip: 'platform_coretemp_0', sensor: 'temp2' })).toBe(40);
    expect(pick(samples, 'node_hwmon_sensor_label', { chip: 'platform_coretemp_0' }).map((s) => s.labels.label).sort()).toEqual([
      'Core 0',
      'Package id 0',
    ]);
    expect(value(samples, 'node_hwmon_chip_names', { chip: 'platform_coretemp_0' })).toBe(1);
    expect(pick(samples, 'node_hwmon_chip_names', { chip: 'platform_coretemp_0' })[0]?.labels.chip_name).toBe('coretemp');
    // No name file: no chip_names series for that chip, but its sensors are there.
    expect(pick(samples, 'node_hwmon_chip_names', { chip: 'pci0000:00_0000:00:01_0' })).toHaveLength(0);
    expect(value(samples, 'node_hwmon_temp_celsius', { chip: 'pci0000:00_0000:00:01_0' })).toBe(51);
    expect(value(samples, 'node_hwmon_temp_crit_celsius', { chip: 'acpitz' })).toBe(119);
    expect(value(samples, 'node_hwmon_temp_celsius', { chip: 'hwmon4', sensor: 'temp1' })).toBe(30);
  });

  it('applies each sensor type its unit, and falls back to the raw value', async () => {
    const samples = await hwmonCollector({ sysPath: sysFixture() }).collect(NOW);
    const got = (name: string, sensor: string) => value(samples, name, { chip: 'platform_nct6775_656', sensor });
    expect(got('node_hwmon_in_volts', 'in0')).toBe(1);
    expect(got('node_hwmon_in_min_volts', 'in0')).toBe(0.8);
    expect(got('node_hwmon_cpu_vid_volts', 'cpu0')).toBe(1.1);
    expect(got('node_hwmon_fan_rpm', 'fan1')).toBe(1200);
    expect(got('node_hwmon_fan_rpm', 'fan2')).toBe(700); // from the device directory
    expect(got('node_hwmon_fan_min_rpm', 'fan1')).toBe(300);
    expect(got('node_hwmon_fan_div', 'fan1')).toBe(8);
    expect(got('node_hwmon_fan_alarm', 'fan1')).toBe(0);
    expect(got('node_hwmon_fan_beep_enabled', 'fan1')).toBe(1);
    expect(got('node_hwmon_pwm', 'pwm1')).toBe(128);
    expect(got('node_hwmon_pwm_enable', 'pwm1')).toBe(2);
    expect(got('node_hwmon_beep_enabled', 'beep_enable0')).toBe(1);
    expect(got('node_hwmon_intrusion_alarm', 'intrusion0')).toBe(1);
    expect(got('node_hwmon_power_average_watt', 'power1')).toBe(15);
    expect(got('node_hwmon_power_average_interval_seconds', 'power1')).toBe(1);
    expect(got('node_hwmon_energy_joule_total', 'energy1')).toBe(123.456789);
    expect(got('node_hwmon_curr_amps', 'curr1')).toBe(1.5);
    expect(got('node_hwmon_humidity', 'humidity1')).toBe(0.45);
    expect(got('node_hwmon_update_interval_seconds', 'update_interval0')).toBe(1);
    expect(got('node_hwmon_voltage_regulator_version', 'vrm0')).toBe(9.1);
    expect(got('node_hwmon_temp_type', 'temp3')).toBe(4);
    expect(got('node_hwmon_temp_celsius', 'temp5')).toBe(-5);
    expect(got('node_hwmon_temp_celsius', 'temp6')).toBe(1);
    expect(got('node_hwmon_temp_input_celsius', 'temp6')).toBe(33);
    expect(got('node_hwmon_fan_target_rpm', 'fan1')).toBe(1100);
    expect(got('node_hwmon_power_accuracy', 'power1')).toBe(95);
    expect(got('node_hwmon_sensor_label', 'in1')).toBe(1);
    expect(pick(samples, 'node_hwmon_sensor_label', { sensor: 'in1' })[0]?.labels.label).toBe('VCC 3.3V \u00b1');
    // "N/A" does not parse: no series, and nothing from uevent or the power/ directory.
    expect(pick(samples, 'node_hwmon_temp_celsius', { sensor: 'temp4' })).toHaveLength(0);
    for (const s of samples) {
      expect(Object.keys(s.labels).sort()).toEqual(
        s.labels.__name__ === 'node_hwmon_chip_names'
          ? ['__name__', 'chip', 'chip_name']
          : s.labels.__name__ === 'node_hwmon_sensor_label'
            ? ['__name__', 'chip', 'label', 'sensor']
            : ['__name__', 'chip', 'sensor'],
      );
      expect(hostMetricMeta(s.labels.__name__ as string), s.labels.__name__).toBeDefined();
    }
  });

  it('rejects where there is no hwmon class or no chip in it', async () => {
    await expect(hwmonCollector({ sysPath: '/nonexistent-outpost-sys' }).collect(NOW)).rejects.toThrow(/ENOENT/);
    const empty = fixtureTree({ 'class/hwmon/.keep': '' });
    await expect(hwmonCollector({ sysPath: empty }).collect(NOW)).rejects.toThrow(/no hwmon chips/);
  });
});
