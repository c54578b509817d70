import type { CollectedSample } from '../../../protocol/batch.ts';
import type { CollectLog, Collector, MetricMeta } from '../collector.ts';
import { CPU_META, cpuCollector } from './cpu.ts';
import { FILESYSTEM_META, filesystemCollector, type FilesystemCollectorOptions } from './filesystem.ts';
import { LOADAVG_META, loadavgCollector } from './loadavg.ts';
import { MEMINFO_META, meminfoCollector, meminfoMeta } from './meminfo.ts';
import { NETDEV_META, netdevCollector } from './netdev.ts';
import { STAT_META, statCollector } from './stat.ts';
import { TIME_META, timeCollector, type TimeCollectorOptions } from './time.ts';
import { UNAME_META, unameCollector } from './uname.ts';

export type { HostCollectorOptions } from './paths.ts';
export { cpuCollector, filesystemCollector, loadavgCollector, meminfoCollector, netdevCollector };
export { statCollector, timeCollector, unameCollector };

/** TYPE/HELP of every family the host collectors emit (node_memory_* for a 6.x kernel; see hostMetricMeta). */
export const HOST_METRIC_META: Record<string, MetricMeta> = {
  ...CPU_META,
  ...LOADAVG_META,
  ...MEMINFO_META,
  ...STAT_META,
  ...TIME_META,
  ...FILESYSTEM_META,
  ...NETDEV_META,
  ...UNAME_META,
};

/** Like HOST_METRIC_META, but also knows meminfo fields that only some kernels print. */
export function hostMetricMeta(name: string): MetricMeta | undefined {
  return HOST_METRIC_META[name] ?? meminfoMeta(name);
}

export type HostCollectorsOptions = FilesystemCollectorOptions & TimeCollectorOptions;

/** The node_exporter-compatible host collectors, in node_exporter's alphabetical order. */
export function hostCollectors(opts: HostCollectorsOptions = {}): Collector[] {
  return [
    cpuCollector(opts),
    filesystemCollector(opts),
    loadavgCollector(opts),
    meminfoCollector(opts),
    netdevCollector(opts),
    statCollector(opts),
    timeCollector(opts),
    unameCollector(opts),
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
