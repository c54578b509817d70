import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CollectedSample } from '../../../protocol/batch.ts';
import type { Collector, MetricMeta } from '../collector.ts';
import {
  errorCode,
  hostPaths,
  parseIntStrict,
  readSysfsOnce,
  readText,
  sample,
  sysFile,
  type HostCollectorOptions,
} from './paths.ts';

export const THERMAL_ZONE_META: Record<string, MetricMeta> = {
  node_thermal_zone_temp: { type: 'gauge', help: 'Zone temperature in Celsius' },
  node_cooling_device_cur_state: { type: 'gauge', help: 'Current throttle state of the cooling device' },
  node_cooling_device_max_state: { type: 'gauge', help: 'Maximum throttle state of the cooling device' },
};

/** Entries `<prefix><digit>…` of a directory in glob order (byte-wise sorted), as filepath.Glob returns them. */
function globbed(entries: string[], prefix: string): string[] {
  return entries.filter((e) => e.startsWith(prefix) && /^\d/.test(e.slice(prefix.length))).sort();
}

const trimmed = async (file: string) => (await readSysfsOnce(file)).trim();

/**
 * node_thermal_zone_temp{zone,type} from /sys/class/thermal/thermal_zoneN and the cooling devices' states
 * {name,type}. As in procfs, a zone needs type, policy and temp; a zone whose sensor answers ENODATA is skipped,
 * any other unreadable zone or cooling device fails the collection. Rejects where the host has neither.
 */
export function thermalZoneCollector(opts: HostCollectorOptions = {}): Collector {
  const paths = hostPaths(opts);
  return {
    name: 'thermal_zone',
    async collect(now: number): Promise<CollectedSample[]> {
      const root = sysFile(paths, 'class', 'thermal');
      const entries = await readdir(root);
      const zones = globbed(entries, 'thermal_zone');
      const devices = globbed(entries, 'cooling_device');
      if (zones.length === 0 && devices.length === 0) throw new Error(`no thermal zones or cooling devices in ${root}`);

      const out: CollectedSample[] = [];
      for (const entry of zones) {
        const dir = join(root, entry);
        let type: string;
        let temp: number;
        try {
          type = await trimmed(join(dir, 'type'));
          await readSysfsOnce(join(dir, 'policy'));
          temp = parseIntStrict(await readText(join(dir, 'temp')), `${dir}/temp`);
        } catch (err) {
          // A sensor that is powered down (e.g. a sleeping GPU or Wi-Fi card) answers ENODATA.
          if (errorCode(err) === 'ENODATA') continue;
          throw err;
        }
        out.push(sample('node_thermal_zone_temp', { zone: entry.slice('thermal_zone'.length), type }, temp / 1000, now));
      }
      for (const entry of devices) {
        const dir = join(root, entry);
        const type = await trimmed(join(dir, 'type'));
        const max = parseIntStrict(await trimmed(join(dir, 'max_state')), `${dir}/max_state`);
        // cur_state can be -1 (intel_powerclamp), hence signed parsing.
        const cur = parseIntStrict(await trimmed(join(dir, 'cur_state')), `${dir}/cur_state`);
        const labels = { name: entry.slice('cooling_device'.length), type };
        out.push(sample('node_cooling_device_cur_state', labels, cur, now));
        out.push(sample('node_cooling_device_max_state', labels, max, now));
      }
      return out;
    },
  };
}
