import type { CollectedSample } from '../../../protocol/batch.ts';
import type { Collector, MetricMeta } from '../collector.ts';
import { fieldLines, hostPaths, procFile, readText, sample, type HostCollectorOptions } from './paths.ts';

export const STAT_META: Record<string, MetricMeta> = {
  node_intr_total: { type: 'counter', help: 'Total number of interrupts serviced.' },
  node_context_switches_total: { type: 'counter', help: 'Total number of context switches.' },
  node_forks_total: { type: 'counter', help: 'Total number of forks.' },
  node_boot_time_seconds: { type: 'gauge', help: 'Node boot time, in unixtime.' },
  node_procs_running: { type: 'gauge', help: 'Number of processes in runnable state.' },
  node_procs_blocked: { type: 'gauge', help: 'Number of processes blocked waiting for I/O to complete.' },
};

/** /proc/stat key → metric, in node_exporter's output order. Only the first number counts (intr's total). */
const KEYS: ReadonlyArray<readonly [string, string]> = [
  ['intr', 'node_intr_total'],
  ['ctxt', 'node_context_switches_total'],
  ['processes', 'node_forks_total'],
  ['btime', 'node_boot_time_seconds'],
  ['procs_running', 'node_procs_running'],
  ['procs_blocked', 'node_procs_blocked'],
];

export function statCollector(opts: HostCollectorOptions = {}): Collector {
  const paths = hostPaths(opts);
  return {
    name: 'stat',
    async collect(now: number): Promise<CollectedSample[]> {
      const values = new Map<string, number>();
      for (const parts of fieldLines(await readText(procFile(paths, 'stat')))) {
        if (parts.length >= 2) values.set(parts[0] as string, Number(parts[1]));
      }
      const out: CollectedSample[] = [];
      for (const [key, name] of KEYS) {
        const v = values.get(key);
        // A key this kernel does not print is left out rather than reported as a misleading 0.
        if (v !== undefined && Number.isFinite(v)) out.push(sample(name, {}, v, now));
      }
      if (out.length === 0) throw new Error('no known keys in /proc/stat');
      return out;
    },
  };
}
