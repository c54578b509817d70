import type { CollectedSample } from '../../../protocol/batch.ts';
import type { Collector, MetricMeta } from '../collector.ts';
import { hostPaths, procFile, readText, sample, type HostCollectorOptions } from './paths.ts';

export const LOADAVG_META: Record<string, MetricMeta> = {
  node_load1: { type: 'gauge', help: '1m load average.' },
  node_load5: { type: 'gauge', help: '5m load average.' },
  node_load15: { type: 'gauge', help: '15m load average.' },
};

const NAMES = ['node_load1', 'node_load5', 'node_load15'] as const;

export function loadavgCollector(opts: HostCollectorOptions = {}): Collector {
  const paths = hostPaths(opts);
  return {
    name: 'loadavg',
    async collect(now: number): Promise<CollectedSample[]> {
      const text = await readText(procFile(paths, 'loadavg'));
      const parts = text.trim().split(/\s+/);
      const loads = parts.slice(0, 3).map(Number);
      if (loads.length < 3 || loads.some((v) => !Number.isFinite(v))) {
        throw new Error(`unexpected content in loadavg: ${JSON.stringify(text.slice(0, 80))}`);
      }
      return NAMES.map((name, i) => sample(name, {}, loads[i] as number, now));
    },
  };
}
