import type { CollectedSample } from '../../../protocol/batch.ts';
import type { Collector, MetricMeta } from '../collector.ts';
import { errorCode, hostPaths, procFile, readText, sample, type HostCollectorOptions } from './paths.ts';

export const PRESSURE_META: Record<string, MetricMeta> = {
  node_pressure_cpu_waiting_seconds_total: {
    type: 'counter',
    help: 'Total time in seconds that processes have waited for CPU time',
  },
  node_pressure_io_waiting_seconds_total: {
    type: 'counter',
    help: 'Total time in seconds that processes have waited due to IO congestion',
  },
  node_pressure_io_stalled_seconds_total: {
    type: 'counter',
    help: 'Total time in seconds no process could make progress due to IO congestion',
  },
  node_pressure_memory_waiting_seconds_total: {
    type: 'counter',
    help: 'Total time in seconds that processes have waited for memory',
  },
  node_pressure_memory_stalled_seconds_total: {
    type: 'counter',
    help: 'Total time in seconds no process could make progress due to memory congestion',
  },
};

/**
 * Resource → metric for its "some" and "full" lines. node_exporter 1.5 ignores the "full" line that kernels 5.13+
 * also print for cpu.
 */
const RESOURCES: ReadonlyArray<readonly [string, string, string | undefined]> = [
  ['cpu', 'node_pressure_cpu_waiting_seconds_total', undefined],
  ['io', 'node_pressure_io_waiting_seconds_total', 'node_pressure_io_stalled_seconds_total'],
  ['memory', 'node_pressure_memory_waiting_seconds_total', 'node_pressure_memory_stalled_seconds_total'],
];

const LINE = /^(some|full) avg10=\S+ avg60=\S+ avg300=\S+ total=(\d+)/;

/** The `total=` microseconds of the some and full lines of one /proc/pressure file. */
export function parsePressure(text: string): { some?: number; full?: number } {
  const out: { some?: number; full?: number } = {};
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (m) out[m[1] as 'some' | 'full'] = Number(m[2]);
  }
  return out;
}

/**
 * Pressure stall information (Linux 4.20+ with CONFIG_PSI, not disabled by psi=0). Rejects when the kernel has
 * none: /proc/pressure missing, or reads failing with EOPNOTSUPP.
 */
export function pressureCollector(opts: HostCollectorOptions = {}): Collector {
  const paths = hostPaths(opts);
  return {
    name: 'pressure',
    async collect(now: number): Promise<CollectedSample[]> {
      const out: CollectedSample[] = [];
      let unavailable: unknown;
      for (const [resource, someName, fullName] of RESOURCES) {
        let text: string;
        try {
          text = await readText(procFile(paths, 'pressure', resource));
        } catch (err) {
          const code = errorCode(err);
          if (code !== 'ENOENT' && code !== 'EOPNOTSUPP' && code !== 'ENOTSUP') throw err;
          unavailable ??= err;
          continue;
        }
        const { some, full } = parsePressure(text);
        // Microseconds to seconds, divided twice like node_exporter so the float result is bit-identical.
        if (some !== undefined) out.push(sample(someName, {}, some / 1000 / 1000, now));
        if (fullName !== undefined && full !== undefined) out.push(sample(fullName, {}, full / 1000 / 1000, now));
      }
      if (out.length === 0) throw unavailable ?? new Error('no pressure lines in /proc/pressure');
      return out;
    },
  };
}
