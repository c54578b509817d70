import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { CollectedSample } from '../../../protocol/batch.ts';
import type { Collector, MetricMeta } from '../collector.ts';
import {
  hostPaths,
  parseFloatStrict,
  readSysfsOnce,
  readText,
  sample,
  sysFile,
  type HostCollectorOptions,
} from './paths.ts';

/** Sensor file types node_exporter 1.5 reads; every other file in a hwmon directory is ignored. */
const SENSOR_TYPES = new Set([
  'vrm', 'beep_enable', 'update_interval', 'in', 'cpu', 'fan', 'pwm', 'temp', 'curr', 'power', 'energy', 'humidity',
  'intrusion',
]);
/** <type><number>_<property>, e.g. temp1_crit_alarm; the type is greedy, so beep_enable is one type. */
const FILENAME = /^([^0-9]+)([0-9]*)?(_(.+))?$/;

const gauge = (help: string): MetricMeta => ({ type: 'gauge', help });

/** Families whose name does not follow the <type>_<element>_<unit> pattern. */
const FIXED_META: Record<string, MetricMeta> = {
  node_hwmon_chip_names: gauge('Annotation metric for human-readable chip names'),
  node_hwmon_sensor_label: gauge('Label for given chip and sensor'),
  node_hwmon_beep_enabled: gauge('Hardware beep enabled'),
  node_hwmon_voltage_regulator_version: gauge('Hardware voltage regulator'),
  node_hwmon_update_interval_seconds: gauge('Hardware monitor update interval'),
};

/** node_exporter's label and chip-name sanitising: lower case, [^a-z0-9:_] → _, no leading/trailing _. */
export function cleanHwmonName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9:_]/gu, '_')
    .replace(/^_+|_+$/g, '');
}

export function explodeSensorFilename(filename: string): { type: string; num: number; property: string } | undefined {
  const m = FILENAME.exec(filename);
  if (!m) return undefined;
  const num = m[2] ? Number(m[2]) : 0;
  if (!Number.isSafeInteger(num)) return undefined;
  return { type: m[1] as string, num, property: m[4] ?? '' };
}

export interface HwmonFamily {
  readonly name: string;
  readonly meta: MetricMeta;
  /** Multiplies the raw sysfs value (milli- or micro-units) into the family's base unit. */
  readonly convert: (raw: number) => number;
}

/**
 * Name, TYPE, HELP and unit conversion of the value a `<type>N_<element>` file yields, by node_exporter 1.5's
 * rules. `bare` says the sensor also has a property-less file (e.g. pwm1), which moves `input` to an `_input` name.
 */
export function hwmonFamily(type: string, element: string, bare = false): HwmonFamily {
  let name = `node_hwmon_${type}`;
  if (element === 'input') {
    if (bare) name += '_input';
  } else if (element !== '') {
    name += `_${cleanHwmonName(element)}`;
  }
  const same = (v: number) => v;
  const milli = (v: number) => v * 0.001;
  const micro = (v: number) => v / 1000000;
  const fam = (n: string, help: string, convert = same, kind: MetricMeta['type'] = 'gauge'): HwmonFamily => ({
    name: n,
    meta: { type: kind, help },
    convert,
  });
  if (element === 'fault' || element === 'alarm') return fam(name, `Hardware sensor ${element} status (${type})`);
  if (element === 'beep') return fam(`${name}_enabled`, 'Hardware monitor sensor has beeping enabled');
  if (type === 'in' || type === 'cpu') return fam(`${name}_volts`, `Hardware monitor for voltage (${element})`, milli);
  if (type === 'temp' && element !== 'type') {
    return fam(`${name}_celsius`, `Hardware monitor for temperature (${element || 'input'})`, milli);
  }
  if (type === 'curr') return fam(`${name}_amps`, `Hardware monitor for current (${element})`, milli);
  if (type === 'energy') {
    return fam(`${name}_joule_total`, `Hardware monitor for joules used so far (${element})`, micro, 'counter');
  }
  if (type === 'power' && element === 'accuracy') {
    return fam(name, 'Hardware monitor power meter accuracy, as a ratio', micro);
  }
  if (type === 'power' && /^average_interval(_min|_max)?$/.test(element)) {
    return fam(`${name}_seconds`, `Hardware monitor power usage update interval (${element})`, milli);
  }
  if (type === 'power') return fam(`${name}_watt`, `Hardware monitor for power usage in watts (${element})`, micro);
  if (type === 'humidity') {
    const ratio = 'as a ratio (multiply with 100.0 to get the humidity as a percentage)';
    return fam(name, `Hardware monitor for humidity, ${ratio} (${element})`, micro);
  }
  if (type === 'fan' && ['input', 'min', 'max', 'target'].includes(element)) {
    return fam(`${name}_rpm`, `Hardware monitor for fan revolutions per minute (${element})`);
  }
  return fam(name, `Hardware monitor ${type} element ${element}`);
}

const UNIT_SUFFIXES = ['_celsius', '_volts', '_amps', '_joule_total', '_seconds', '_watt', '_rpm', '_enabled'];

/**
 * TYPE/HELP for a node_hwmon_* name, found by running hwmonFamily backwards. A bare name is taken to come from
 * the `input` file, except for pwm whose bare file is the duty cycle itself.
 */
export function hwmonMeta(name: string): MetricMeta | undefined {
  if (FIXED_META[name]) return FIXED_META[name];
  for (const type of SENSOR_TYPES) {
    const prefix = `node_hwmon_${type}`;
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    if (rest !== '' && !rest.startsWith('_')) continue;
    const stripped = UNIT_SUFFIXES.filter((s) => rest.endsWith(s)).map((s) => rest.slice(1, -s.length));
    const bareElements = type === 'pwm' ? [''] : ['input', ''];
    const elements = [...stripped, rest.slice(1)].flatMap((e) => (e === '' ? bareElements : [e]));
    for (const element of elements) {
      for (const bare of [false, true]) {
        const fam = hwmonFamily(type, element, bare);
        if (fam.name === name) return fam.meta;
      }
    }
  }
  return undefined;
}

/** Elements of Documentation/hwmon/sysfs-interface that are common enough to have their metadata up front. */
const COMMON: ReadonlyArray<readonly [string, string[]]> = [
  ['temp', ['input', 'max', 'min', 'crit', 'crit_hyst', 'max_hyst', 'emergency', 'lcrit', 'alarm', 'crit_alarm',
    'max_alarm', 'min_alarm', 'fault', 'type', 'offset', 'lowest', 'highest', 'beep']],
  ['in', ['input', 'min', 'max', 'lcrit', 'crit', 'alarm', 'min_alarm', 'max_alarm', 'beep']],
  ['cpu', ['vid']],
  ['fan', ['input', 'min', 'max', 'target', 'div', 'pulses', 'alarm', 'fault', 'beep']],
  ['pwm', ['', 'enable', 'mode', 'freq']],
  ['curr', ['input', 'min', 'max', 'crit', 'lcrit', 'alarm']],
  ['power', ['input', 'average', 'cap', 'max', 'crit', 'accuracy', 'average_interval', 'alarm']],
  ['energy', ['input']],
  ['humidity', ['input']],
  ['intrusion', ['alarm', 'beep']],
];

export const HWMON_META: Record<string, MetricMeta> = {
  ...FIXED_META,
  ...Object.fromEntries(
    COMMON.flatMap(([type, elements]) => elements.map((e) => hwmonFamily(type, e))).map((f) => [f.name, f.meta]),
  ),
};

type SensorData = Map<string, Map<string, string>>;

async function collectSensorData(dir: string, data: SensorData): Promise<void> {
  for (const file of await readdir(dir)) {
    const parts = explodeSensorFilename(file);
    if (!parts || !SENSOR_TYPES.has(parts.type)) continue;
    let value: string;
    try {
      // One read of at most 128 bytes, because some broken drivers answer EAGAIN forever.
      value = (await readSysfsOnce(join(dir, file))).replace(/^\n+|\n+$/g, '');
    } catch {
      continue; // Directories (e.g. power/), write-only and unreadable files.
    }
    const sensor = `${parts.type}${parts.num}`;
    let props = data.get(sensor);
    if (!props) data.set(sensor, (props = new Map()));
    props.set(parts.property, value);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** node_exporter's stable chip label: <bus>_<device> from the device link, else the name file, else hwmonN. */
export async function hwmonChipName(dir: string): Promise<string> {
  try {
    const device = await realpath(join(dir, 'device'));
    const devName = cleanHwmonName(basename(device));
    const devType = cleanHwmonName(basename(dirname(device)));
    if (devType !== '' && devName !== '') return `${devType}_${devName}`;
    if (devName !== '') return devName;
  } catch {
    // No device link: a virtual chip.
  }
  try {
    const name = cleanHwmonName(await readText(join(dir, 'name')));
    if (name !== '') return name;
  } catch {
    // No name file either.
  }
  const last = cleanHwmonName(basename(await realpath(dir)));
  if (last === '') throw new Error(`could not derive a monitoring name for ${dir}`);
  return last;
}

async function chipSamples(dir: string, now: number): Promise<CollectedSample[]> {
  const chip = await hwmonChipName(dir);
  const data: SensorData = new Map();
  await collectSensorData(dir, data);
  // Older drivers keep their sensor files on the device itself.
  if (await exists(join(dir, 'device'))) await collectSensorData(join(dir, 'device'), data);

  const out: CollectedSample[] = [];
  try {
    const chipName = cleanHwmonName(await readText(join(dir, 'name')));
    if (chipName !== '') out.push(sample('node_hwmon_chip_names', { chip, chip_name: chipName }, 1, now));
  } catch {
    // The annotation needs the name file.
  }
  for (const [sensor, props] of data) {
    const type = explodeSensorFilename(sensor)?.type ?? '';
    const labels = { chip, sensor };
    const label = props.get('label');
    if (label !== undefined) out.push(sample('node_hwmon_sensor_label', { ...labels, label }, 1, now));
    const bareValue = props.get('');
    if (type === 'beep_enable') {
      out.push(sample('node_hwmon_beep_enabled', labels, bareValue === '1' ? 1 : 0, now));
      continue;
    }
    if (type === 'vrm' || type === 'update_interval') {
      const v = parseFloatStrict(bareValue ?? '');
      if (v === undefined) continue;
      if (type === 'vrm') out.push(sample('node_hwmon_voltage_regulator_version', labels, v, now));
      else out.push(sample('node_hwmon_update_interval_seconds', labels, v * 0.001, now));
      continue;
    }
    for (const [element, raw] of props) {
      if (element === 'label') continue;
      const v = parseFloatStrict(raw);
      if (v === undefined) continue;
      const fam = hwmonFamily(type, element, bareValue !== undefined);
      out.push(sample(fam.name, labels, fam.convert(v), now));
    }
  }
  return out;
}

/** node_hwmon_* from /sys/class/hwmon, like lm-sensors. Rejects where the host has no hwmon chips at all. */
export function hwmonCollector(opts: HostCollectorOptions = {}): Collector {
  const paths = hostPaths(opts);
  return {
    name: 'hwmon',
    async collect(now: number): Promise<CollectedSample[]> {
      const root = sysFile(paths, 'class', 'hwmon');
      const entries = await readdir(root);
      const dirs: string[] = [];
      for (const entry of entries) {
        const path = join(root, entry);
        try {
          const info = (await lstat(path)).isSymbolicLink() ? await stat(path) : await lstat(path);
          if (info.isDirectory()) dirs.push(path);
        } catch {
          // A dangling link.
        }
      }
      if (dirs.length === 0) throw new Error(`no hwmon chips in ${root}`);
      const out: CollectedSample[] = [];
      for (const dir of dirs) {
        try {
          out.push(...(await chipSamples(dir, now)));
        } catch {
          // One unreadable chip costs only its own sensors (node_exporter also goes on to the next chip).
        }
      }
      return out;
    },
  };
}
