import type { CollectedSample } from '../../../protocol/batch.ts';
import { isValidMetricName } from '../../../protocol/labels.ts';
import type { Collector, MetricMeta } from '../collector.ts';
import { fieldLines, hostPaths, procFile, readText, sample, type HostCollectorOptions } from './paths.ts';

const PREFIX = 'node_memory_';

/**
 * node_exporter's name for a /proc/meminfo field: "Active(anon)" → "Active_anon", plus "_bytes" when the line
 * has a unit (always kB). Unitless counts such as HugePages_Total keep their bare name.
 */
export function meminfoKey(field: string, hasUnit: boolean): string {
  const key = field.replace(/\((.*)\)/g, '_$1');
  return hasUnit ? `${key}_bytes` : key;
}

/** TYPE/HELP for any node_memory_* name, derived exactly as node_exporter derives them. */
export function meminfoMeta(metric: string): MetricMeta | undefined {
  if (!metric.startsWith(PREFIX)) return undefined;
  const key = metric.slice(PREFIX.length);
  // node_exporter's rule is a case-sensitive suffix test; no current kernel field matches it.
  return { type: key.endsWith('_total') ? 'counter' : 'gauge', help: `Memory information field ${key}.` };
}

/** Fields of a current (6.x) kernel, so that metadata is known before the first collection. */
const KNOWN_KEYS = [
  'MemTotal', 'MemFree', 'MemAvailable', 'Buffers', 'Cached', 'SwapCached', 'Active', 'Inactive', 'Active(anon)',
  'Inactive(anon)', 'Active(file)', 'Inactive(file)', 'Unevictable', 'Mlocked', 'SwapTotal', 'SwapFree', 'Zswap',
  'Zswapped', 'Dirty', 'Writeback', 'AnonPages', 'Mapped', 'Shmem', 'KReclaimable', 'Slab', 'SReclaimable',
  'SUnreclaim', 'KernelStack', 'ShadowCallStack', 'PageTables', 'SecPageTables', 'NFS_Unstable', 'Bounce',
  'WritebackTmp', 'CommitLimit', 'Committed_AS', 'VmallocTotal', 'VmallocUsed', 'VmallocChunk', 'Percpu',
  'HardwareCorrupted', 'AnonHugePages', 'ShmemHugePages', 'ShmemPmdMapped', 'FileHugePages', 'FilePmdMapped',
  'CmaTotal', 'CmaFree', 'Unaccepted', 'Balloon', 'Hugepagesize', 'Hugetlb', 'DirectMap4k', 'DirectMap2M',
  'DirectMap4M', 'DirectMap1G',
].map((f) => meminfoKey(f, true));
const UNITLESS_KEYS = ['HugePages_Total', 'HugePages_Free', 'HugePages_Rsvd', 'HugePages_Surp'];

export const MEMINFO_META: Record<string, MetricMeta> = Object.fromEntries(
  [...KNOWN_KEYS, ...UNITLESS_KEYS].map((k) => [PREFIX + k, meminfoMeta(PREFIX + k) as MetricMeta]),
);

/** Metric name → value, in file order. Lines that do not parse are skipped, not fatal. */
export function parseMeminfo(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const parts of fieldLines(text)) {
    if (parts.length < 2 || parts.length > 3) continue;
    const field = (parts[0] as string).replace(/:$/, '');
    const v = Number(parts[1]);
    if (!Number.isFinite(v)) continue;
    const hasUnit = parts.length === 3;
    const name = PREFIX + meminfoKey(field, hasUnit);
    if (isValidMetricName(name)) out.set(name, hasUnit ? v * 1024 : v);
  }
  return out;
}

export function meminfoCollector(opts: HostCollectorOptions = {}): Collector {
  const paths = hostPaths(opts);
  return {
    name: 'meminfo',
    async collect(now: number): Promise<CollectedSample[]> {
      const values = parseMeminfo(await readText(procFile(paths, 'meminfo')));
      if (values.size === 0) throw new Error('no fields in /proc/meminfo');
      return [...values].map(([name, v]) => sample(name, {}, v, now));
    },
  };
}
