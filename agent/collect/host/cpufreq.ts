import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CollectedSample } from '../../../protocol/batch.ts';
import type { Collector, MetricMeta } from '../collector.ts';
import { hostPaths, isAbsent, readText, sample, sysFile, type HostCollectorOptions } from './paths.ts';

/** cpufreq file (kHz) → metric, in node_exporter 1.5's output order. */
const FILES: ReadonlyArray<readonly [string, string, string]> = [
  ['cpuinfo_cur_freq', 'node_cpu_frequency_hertz', 'Current cpu thread frequency in hertz.'],
  ['cpuinfo_min_freq', 'node_cpu_frequency_min_hertz', 'Minimum cpu thread frequency in hertz.'],
  ['cpuinfo_max_freq', 'node_cpu_frequency_max_hertz', 'Maximum cpu thread frequency in hertz.'],
  ['scaling_cur_freq', 'node_cpu_scaling_frequency_hertz', 'Current scaled CPU thread frequency in hertz.'],
  ['scaling_min_freq', 'node_cpu_scaling_frequency_min_hertz', 'Minimum scaled CPU thread frequency in hertz.'],
  ['scaling_max_freq', 'node_cpu_scaling_frequency_max_hertz', 'Maximum scaled CPU thread frequency in hertz.'],
];

export const CPUFREQ_META: Record<string, MetricMeta> = Object.fromEntries(
  FILES.map(([, name, help]) => [name, { type: 'gauge', help } satisfies MetricMeta]),
);

/** kHz from one cpufreq file; undefined when it is absent or root-only (cpuinfo_cur_freq is 0400). */
async function readKhz(file: string): Promise<number | undefined> {
  let text: string;
  try {
    text = (await readText(file)).trim();
  } catch (err) {
    if (isAbsent(err)) return undefined;
    throw err;
  }
  if (!/^\+?\d+$/.test(text)) throw new Error(`${file}: invalid frequency ${JSON.stringify(text.slice(0, 40))}`);
  return Number(text);
}

/**
 * Per-CPU frequencies from /sys/devices/system/cpu/cpuN/cpufreq, each only where its file exists. node_exporter
 * 1.5 has no scaling-governor metric (it arrived in 1.6), so there is none here either. Rejects when no CPU has
 * a cpufreq directory (virtual machines, containers without /sys).
 */
export function cpufreqCollector(opts: HostCollectorOptions = {}): Collector {
  const paths = hostPaths(opts);
  return {
    name: 'cpufreq',
    async collect(now: number): Promise<CollectedSample[]> {
      const root = sysFile(paths, 'devices', 'system', 'cpu');
      const cpus = (await readdir(root)).filter((e) => /^cpu\d/.test(e)).sort();
      const dirs: Array<readonly [string, string]> = [];
      for (const entry of cpus) {
        const dir = join(root, entry, 'cpufreq');
        try {
          await stat(dir);
          dirs.push([entry.slice(3), dir]);
        } catch (err) {
          if (!isAbsent(err)) throw err;
        }
      }
      if (dirs.length === 0) throw new Error(`no cpufreq directories under ${root}`);
      // The kernel delays each CPU's cpufreq reads (up to 50 ms), so the CPUs are read in parallel, as procfs does.
      const values = await Promise.all(
        dirs.map(([, dir]) => Promise.all(FILES.map(([file]) => readKhz(join(dir, file))))),
      );
      const out: CollectedSample[] = [];
      dirs.forEach(([cpu], i) => {
        (values[i] as Array<number | undefined>).forEach((khz, k) => {
          if (khz !== undefined) out.push(sample((FILES[k] as (typeof FILES)[number])[1], { cpu }, khz * 1000, now));
        });
      });
      return out;
    },
  };
}
