import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureTree } from './fixtures.ts';

// Hand-made sysfs, procfs and udev trees shared by the collector tests and the node_exporter fixture comparison.

const zone = (n: number, type: string, temp: string) => ({
  [`class/thermal/thermal_zone${n}/type`]: `${type}\n`,
  [`class/thermal/thermal_zone${n}/policy`]: 'step_wise\n',
  [`class/thermal/thermal_zone${n}/temp`]: `${temp}\n`,
  [`class/thermal/thermal_zone${n}/mode`]: 'enabled\n',
});
const cooling = (n: number, type: string, cur: string, max: string) => ({
  [`class/thermal/cooling_device${n}/type`]: `${type}\n`,
  [`class/thermal/cooling_device${n}/cur_state`]: `${cur}\n`,
  [`class/thermal/cooling_device${n}/max_state`]: `${max}\n`,
});
const THERMAL = {
  ...zone(0, 'acpitz', '27800'),
  ...zone(1, 'x86_pkg_temp', '-1500'),
  ...zone(10, 'iwlwifi_1', '41000'),
  ...cooling(0, 'Processor', '0', '10'),
  ...cooling(1, 'intel_powerclamp', '-1', '50'),
};

const cpufreq = (cpu: number, files: Record<string, string>) =>
  Object.fromEntries(
    Object.entries({
      scaling_available_governors: 'performance powersave',
      scaling_driver: 'intel_pstate',
      scaling_governor: 'powersave',
      related_cpus: String(cpu),
      scaling_setspeed: '<unsupported>',
      ...files,
    }).map(([file, text]) => [`devices/system/cpu/cpu${cpu}/cpufreq/${file}`, `${text}\n`]),
  );
const CPUFREQ = {
  ...cpufreq(0, {
    cpuinfo_cur_freq: '1800000',
    cpuinfo_min_freq: '800000',
    cpuinfo_max_freq: '3400000',
    scaling_cur_freq: '1799999',
    scaling_min_freq: '800000',
    scaling_max_freq: '3400000',
  }),
  ...cpufreq(1, { scaling_cur_freq: '2000000' }),
  'devices/system/cpu/cpu2/online': '1\n',
};

/** /proc files for diskstats and pressure, in the layouts of a 6.x kernel. */
export const PROC_FIXTURE: Record<string, string> = {
  diskstats: `   8       0 sda 1000 20 30000 400 500 60 7000 800 3 9000 12345 70 1 880 90 44 55
   8       1 sda1 900 20 28000 380 480 60 6900 790 0 8900 12000 70 1 880 90 0 0
 259       0 nvme0n1 10 1 16 2 20 2 48 4 0 5 6 0 0 0 0
 179       0 mmcblk0 5 0 40 1 6 0 48 2 0 3 3
 252       0 dm-0 100 0 800 10 200 0 1600 20 0 30 30 0 0 0 0 0 0
`,
  'pressure/cpu': 'some avg10=1.28 avg60=7.61 avg300=5.30 total=90831864\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n',
  'pressure/io': 'some avg10=1.42 avg60=1.59 avg300=0.62 total=7117478\nfull avg10=1.41 avg60=1.53 avg300=0.56 total=6146129\n',
  'pressure/memory': 'some avg10=0.00 avg60=0.00 avg300=0.00 total=1000001\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=3\n',
};

/** udev's database entries for sda and dm-0. */
export const UDEV_FIXTURE: Record<string, string> = {
  'b8:0': `S:disk/by-id/ata-Samsung_SSD
E:ID_ATA=1
E:ID_ATA_WRITE_CACHE=1
E:ID_ATA_WRITE_CACHE_ENABLED=0
E:ID_ATA_ROTATION_RATE_RPM=0
E:ID_MODEL=Samsung_SSD_860_EVO_500GB
E:ID_SERIAL_SHORT=S3Z1NB0K123456X
E:ID_REVISION=RVT02B6Q
E:ID_WWN=0x5002538e4038852d
E:ID_PATH=pci-0000:00:1f.2-ata-1
`,
  'b252:0': `E:DM_NAME=vg0-root
E:DM_UUID=LVM-abc
E:DM_VG_NAME=vg0
E:DM_LV_NAME=root
E:ID_FS_TYPE=ext4
E:ID_FS_USAGE=filesystem
E:ID_FS_UUID=1234-5678
E:ID_FS_VERSION=1.0
`,
};

const CORETEMP = 'devices/platform/coretemp.0/hwmon/hwmon1';
const ACPITZ = 'devices/virtual/thermal/thermal_zone0/hwmon0';
const NCT = 'devices/platform/nct6775.656/hwmon/hwmon2';
const PCI = 'devices/pci0000:00/0000:00:01.0/hwmon/hwmon3';
const BARE = 'devices/virtual/hwmon/hwmon4';

/**
 * A /sys with five hwmon chips linked from class/hwmon the way the kernel links them, three thermal zones, two
 * cooling devices and cpufreq for two of three CPUs (with the files procfs 0.8 insists on).
 */
export function sysFixture(): string {
  const sys = fixtureTree({
    ...THERMAL,
    ...CPUFREQ,
    [`${CORETEMP}/name`]: 'coretemp\n',
    [`${CORETEMP}/temp1_input`]: '45000\n',
    [`${CORETEMP}/temp1_max`]: '84000\n',
    [`${CORETEMP}/temp1_crit`]: '100000\n',
    [`${CORETEMP}/temp1_crit_alarm`]: '0\n',
    [`${CORETEMP}/temp1_label`]: 'Package id 0\n',
    [`${CORETEMP}/temp2_input`]: '40000\n',
    [`${CORETEMP}/temp2_label`]: 'Core 0\n',
    [`${CORETEMP}/uevent`]: 'DEVTYPE=hwmon\n',
    [`${ACPITZ}/name`]: 'acpitz\n',
    [`${ACPITZ}/temp1_input`]: '27800\n',
    [`${ACPITZ}/temp1_crit`]: '119000\n',
    [`${NCT}/name`]: 'nct6779\n',
    [`${NCT}/in0_input`]: '1000\n',
    [`${NCT}/in0_min`]: '800\n',
    [`${NCT}/cpu0_vid`]: '1100\n',
    [`${NCT}/fan1_input`]: '1200\n',
    [`${NCT}/fan1_min`]: '300\n',
    [`${NCT}/fan1_div`]: '8\n',
    [`${NCT}/fan1_alarm`]: '0\n',
    [`${NCT}/fan1_beep`]: '1\n',
    [`${NCT}/pwm1`]: '128\n',
    [`${NCT}/pwm1_enable`]: '2\n',
    [`${NCT}/beep_enable`]: '1\n',
    [`${NCT}/intrusion0_alarm`]: '1\n',
    [`${NCT}/power1_average`]: '15000000\n',
    [`${NCT}/power1_average_interval`]: '1000\n',
    [`${NCT}/energy1_input`]: '123456789\n',
    [`${NCT}/curr1_input`]: '1500\n',
    [`${NCT}/humidity1_input`]: '450000\n',
    [`${NCT}/update_interval`]: '1000\n',
    [`${NCT}/vrm`]: '9.1\n',
    [`${NCT}/temp3_type`]: '4\n',
    [`${NCT}/temp4_input`]: 'N/A\n',
    [`${NCT}/temp5_input`]: '-5000\n',
    [`${NCT}/fan1_target`]: '1100\n',
    [`${NCT}/power1_accuracy`]: '95000000\n',
    // A bare file next to _input moves the input to node_hwmon_temp_input_celsius. (For in/curr/power the two
    // would get different HELP texts, and node_exporter's registry then drops one of them at random.)
    [`${NCT}/temp6`]: '1000\n',
    [`${NCT}/temp6_input`]: '33000\n',
    [`${NCT}/in1_input`]: '3300\n',
    [`${NCT}/in1_label`]: 'VCC 3.3V \u00b1\n',
    [`${PCI}/temp1_input`]: '51000\n',
    [`${BARE}/temp1_input`]: '30000\n',
    // Older drivers keep sensor files on the device itself.
    'devices/platform/nct6775.656/fan2_input': '700\n',
  });
  mkdirSync(join(sys, NCT, 'power'));
  mkdirSync(join(sys, 'class/hwmon'), { recursive: true });
  symlinkSync('../../../coretemp.0', join(sys, CORETEMP, 'device'));
  symlinkSync('../../../nct6775.656', join(sys, NCT, 'device'));
  symlinkSync('../../../0000:00:01.0', join(sys, PCI, 'device'));
  for (const [n, dir] of [[1, CORETEMP], [0, ACPITZ], [2, NCT], [3, PCI], [4, BARE]] as const) {
    symlinkSync(`../../${dir}`, join(sys, 'class/hwmon', `hwmon${n}`));
  }
  // Something that is not a chip directory must be ignored.
  symlinkSync('../../devices/nowhere', join(sys, 'class/hwmon', 'dangling'));
  return sys;
}
