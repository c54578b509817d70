import type { CollectedSample } from '../../../protocol/batch.ts';
import type { Collector, MetricMeta } from '../collector.ts';
import { fieldLines, hostPaths, procFile, readText, sample, type HostCollectorOptions } from './paths.ts';

export const CPU_META: Record<string, MetricMeta> = {
  node_cpu_seconds_total: { type: 'counter', help: 'Seconds the CPUs spent in each mode.' },
  node_cpu_guest_seconds_total: { type: 'counter', help: 'Seconds the CPUs spent in guests (VMs) for each mode.' },
};

/** /proc/stat counts in USER_HZ ticks; the kernel fixes USER_HZ at 100 on every architecture procfs supports. */
const USER_HZ = 100;
/** Column order of a `cpuN` line after the label. */
const FIELDS = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal', 'guest', 'guest_nice'] as const;
const MODES = FIELDS.slice(0, 8);
const IDLE = FIELDS.indexOf('idle');
const GUEST = FIELDS.indexOf('guest');
const GUEST_NICE = FIELDS.indexOf('guest_nice');
/** node_exporter treats idle dropping by this many seconds as a CPU hotplug and starts that CPU afresh. */
const JUMP_BACK_SECONDS = 3;

/** Per-CPU seconds indexed by CPU number; offline CPUs leave zero-filled gaps, as procfs does. */
export function parseCpuStat(text: string): number[][] {
  const cpus: number[][] = [];
  for (const parts of fieldLines(text)) {
    const label = parts[0] as string;
    if (!/^cpu\d+$/.test(label)) continue;
    const id = Number(label.slice(3));
    const values = FIELDS.map((_, i) => {
      const v = Number(parts[i + 1] ?? '0');
      return Number.isFinite(v) ? v / USER_HZ : 0;
    });
    while (cpus.length <= id) cpus.push(FIELDS.map(() => 0));
    cpus[id] = values;
  }
  return cpus;
}

/**
 * node_cpu_seconds_total and node_cpu_guest_seconds_total from /proc/stat. Like node_exporter it keeps the last
 * values and never lets a counter go backwards (some kernels briefly report lower iowait/idle), because a
 * decrease would read as a counter reset to rate().
 */
export function cpuCollector(opts: HostCollectorOptions = {}): Collector {
  const paths = hostPaths(opts);
  let cache: number[][] = [];
  return {
    name: 'cpu',
    async collect(now: number): Promise<CollectedSample[]> {
      const fresh = parseCpuStat(await readText(procFile(paths, 'stat')));
      if (fresh.length === 0) throw new Error('no per-CPU lines in /proc/stat');
      if (cache.length !== fresh.length) cache = fresh.map(() => FIELDS.map(() => 0));
      fresh.forEach((next, i) => {
        let kept = cache[i] as number[];
        if ((kept[IDLE] as number) - (next[IDLE] as number) >= JUMP_BACK_SECONDS) {
          kept = FIELDS.map(() => 0);
          cache[i] = kept;
        }
        next.forEach((v, k) => {
          if (v >= (kept[k] as number)) kept[k] = v;
        });
      });
      const out: CollectedSample[] = [];
      cache.forEach((values, i) => {
        const cpu = String(i);
        MODES.forEach((mode, k) => out.push(sample('node_cpu_seconds_total', { cpu, mode }, values[k] as number, now)));
        // Guest time is also inside user/nice; node_exporter exposes it separately (--collector.cpu.guest, default on).
        out.push(sample('node_cpu_guest_seconds_total', { cpu, mode: 'user' }, values[GUEST] as number, now));
        out.push(sample('node_cpu_guest_seconds_total', { cpu, mode: 'nice' }, values[GUEST_NICE] as number, now));
      });
      return out;
    },
  };
}
