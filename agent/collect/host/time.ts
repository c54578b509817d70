import { readdir } from 'node:fs/promises';
import type { CollectedSample } from '../../../protocol/batch.ts';
import type { Collector, MetricMeta } from '../collector.ts';
import { hostPaths, readText, sample, sysFile, type HostCollectorOptions } from './paths.ts';
import { localZone, type Zone } from './timezone.ts';

export const TIME_META: Record<string, MetricMeta> = {
  node_time_seconds: { type: 'gauge', help: 'System time in seconds since epoch (1970).' },
  node_time_zone_offset_seconds: { type: 'gauge', help: 'System time zone offset in seconds.' },
  node_time_clocksource_available_info: {
    type: 'gauge',
    help: "Available clocksources read from '/sys/devices/system/clocksource'.",
  },
  node_time_clocksource_current_info: {
    type: 'gauge',
    help: "Current clocksource read from '/sys/devices/system/clocksource'.",
  },
};

export interface TimeCollectorOptions extends HostCollectorOptions {
  /** Wall clock in ms; tests pin it. */
  readonly clock?: () => number;
  /** The local zone at a time (Go's time.Now().Zone()); tests pin it. */
  readonly zone?: (ms: number) => Promise<Zone>;
}

/**
 * node_time_seconds is read from the wall clock at collection time, not from `now`, so that a stamp that was
 * scheduled earlier cannot hide clock skew. Clocksources come from sysfs and are skipped if it is not readable.
 */
export function timeCollector(opts: TimeCollectorOptions = {}): Collector {
  const paths = hostPaths(opts);
  const clock = opts.clock ?? Date.now;
  const zoneAt = opts.zone ?? ((ms: number) => localZone(ms));
  return {
    name: 'time',
    async collect(now: number): Promise<CollectedSample[]> {
      const wall = clock();
      const zone = await zoneAt(wall);
      const out = [
        sample('node_time_seconds', {}, wall / 1000, now),
        // Labelled with the abbreviation (CET, CEST, UTC), so a DST switch starts a new series as in node_exporter.
        sample('node_time_zone_offset_seconds', { time_zone: zone.name }, zone.offset, now),
      ];
      const dir = sysFile(paths, 'devices', 'system', 'clocksource');
      let names: string[];
      try {
        // Sorted like a glob of clocksource[0-9]*, since the device label is the position in that list.
        names = (await readdir(dir)).filter((n) => /^clocksource\d/.test(n)).sort();
      } catch {
        return out;
      }
      for (const [i, entry] of names.entries()) {
        const device = String(i);
        try {
          const available = (await readText(`${dir}/${entry}/available_clocksource`)).trim().split(/\s+/);
          const current = (await readText(`${dir}/${entry}/current_clocksource`)).trim();
          for (const clocksource of available.filter((c) => c !== '')) {
            out.push(sample('node_time_clocksource_available_info', { device, clocksource }, 1, now));
          }
          out.push(sample('node_time_clocksource_current_info', { device, clocksource: current }, 1, now));
        } catch {
          // Unreadable entry: the time itself is still worth reporting.
        }
      }
      return out;
    },
  };
}
