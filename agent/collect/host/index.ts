import type { CollectedSample } from '../../../protocol/batch.ts';
import type { CollectLog, Collector, MetricMeta } from '../collector.ts';
import { PROCESS_META, processCollector } from '../process.ts';
import { CPU_META, cpuCollector } from './cpu.ts';
import { CPUFREQ_META, cpufreqCollector } from './cpufreq.ts';
import { DISKSTATS_META, diskstatsCollector, type DiskstatsCollectorOptions } from './diskstats.ts';
import { FILESYSTEM_META, filesystemCollector, type FilesystemCollectorOptions } from './filesystem.ts';
import { HWMON_META, hwmonCollector, hwmonMeta } from './hwmon.ts';
import { LOADAVG_META, loadavgCollector } from './loadavg.ts';
import { MEMINFO_META, meminfoCollector, meminfoMeta } from './meminfo.ts';
import { NETDEV_META, netdevCollector } from './netdev.ts';
import { PRESSURE_META, pressureCollector } from './pressure.ts';
import { STAT_META, statCollector } from './stat.ts';
import { THERMAL_ZONE_META, thermalZoneCollector } from './thermal.ts';
import { TIME_META, timeCollector, type TimeCollectorOptions } from './time.ts';
import { UNAME_META, unameCollector } from './uname.ts';

export type { HostCollectorOptions } from './paths.ts';
export { cpuCollector, cpufreqCollector, diskstatsCollector, filesystemCollector, hwmonCollector };
export { loadavgCollector, meminfoCollector, netdevCollector, pressureCollector, statCollector };
export { processCollector, thermalZoneCollector, timeCollector, unameCollector };

/**
 * TYPE/HELP of every family the host collectors emit (node_memory_* for a 6.x kernel and node_hwmon_* for common
 * sensor files; see hostMetricMeta for the rest).
 */
export const HOST_METRIC_META: Record<string, MetricMeta> = {
  ...CPU_META,
  ...CPUFREQ_META,
  ...DISKSTATS_META,
  ...HWMON_META,
  ...LOADAVG_META,
  ...MEMINFO_META,
  ...STAT_META,
  ...TIME_META,
  ...FILESYSTEM_META,
  ...NETDEV_META,
  ...PRESSURE_META,
  ...THERMAL_ZONE_META,
  ...UNAME_META,
  ...PROCESS_META,
};

/** Like HOST_METRIC_META, but also knows meminfo fields and hwmon sensor files that only some hosts have. */
export function hostMetricMeta(name: string): MetricMeta | undefined {
  return HOST_METRIC_META[name] ?? meminfoMeta(name) ?? hwmonMeta(name);
}

export type HostCollectorsOptions = FilesystemCollectorOptions & TimeCollectorOptions & DiskstatsCollectorOptions;

/** The node_exporter-compatible host collectors, in node_exporter's alphabetical order. */
export function hostCollectors(opts: HostCollectorsOptions = {}): Collector[] {
  return [
    cpuCollector(opts),
    cpufreqCollector(opts),
    diskstatsCollector(opts),
    filesystemCollector(opts),
    hwmonCollector(opts),
    loadavgCollector(opts),
    meminfoCollector(opts),
    netdevCollector(opts),
    pressureCollector(opts),
    statCollector(opts),
    thermalZoneCollector(opts),
    timeCollector(opts),
    unameCollector(opts),
    // The agent's own process_* (and nodejs_*), as node_exporter's /metrics carries its own process_* next to the
    // host's. Always this process' /proc, never the host's --path.procfs.
    processCollector(),
  ];
}

/** Collectors whose failure has been logged: a host without e.g. /proc/net/dev would otherwise log every interval. */
const reported = new WeakSet<Collector>();

/**
 * Runs every collector concurrently and returns what the working ones produced. A failing collector is logged
 * once for its lifetime and skipped; nothing here throws, so one unreadable source never costs the others.
 */
export async function collectAll(
  collectors: readonly Collector[],
  now: number,
  log: CollectLog,
): Promise<CollectedSample[]> {
  const results = await Promise.allSettled(collectors.map(async (c) => c.collect(now)));
  const out: CollectedSample[] = [];
  results.forEach((r, i) => {
    const collector = collectors[i] as Collector;
    if (r.status === 'fulfilled') {
      for (const s of r.value) out.push(s);
      return;
    }
    if (reported.has(collector)) return;
    reported.add(collector);
    const reason = r.reason instanceof Error ? r.reason.message : String(r.reason);
    try {
      log(`collector ${collector.name} skipped: ${reason} (not logged again)`);
    } catch {
      // A broken logger must not take collection down with it.
    }
  });
  return out;
}
