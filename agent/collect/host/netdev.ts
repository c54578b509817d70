import type { CollectedSample } from '../../../protocol/batch.ts';
import type { Collector, MetricMeta } from '../collector.ts';
import { hostPaths, procFile, readText, sample, sysFile, type HostCollectorOptions } from './paths.ts';

/** /proc/net/dev columns after "iface:", in order, by node_exporter's statistic names. */
const COLUMNS = [
  'receive_bytes', 'receive_packets', 'receive_errs', 'receive_drop', 'receive_fifo', 'receive_frame',
  'receive_compressed', 'receive_multicast', 'transmit_bytes', 'transmit_packets', 'transmit_errs',
  'transmit_drop', 'transmit_fifo', 'transmit_colls', 'transmit_carrier', 'transmit_compressed',
] as const;

/**
 * node_exporter 1.5 reads these over netlink by default, which adds receive_nohandler; /proc/net/dev lacks it,
 * so it is read from sysfs when present. The other sixteen match netlink's folded values: the kernel's
 * /proc/net/dev already sums drop+missed, the four frame errors and the four carrier errors the same way.
 */
const NOHANDLER = 'receive_nohandler';

const metricName = (stat: string): string => `node_network_${stat}_total`;

export const NETDEV_META: Record<string, MetricMeta> = Object.fromEntries(
  [...COLUMNS, NOHANDLER].map((stat) => [
    metricName(stat),
    { type: 'counter', help: `Network device statistic ${stat}.` } satisfies MetricMeta,
  ]),
);

export interface NetDevLine {
  readonly device: string;
  readonly values: readonly number[];
}

/** Skips the two header lines; the name ends at the last colon, as procfs parses it. */
export function parseNetDev(text: string): NetDevLine[] {
  const out: NetDevLine[] = [];
  for (const line of text.split('\n').slice(2)) {
    const colon = line.lastIndexOf(':');
    if (colon < 0) continue;
    const device = line.slice(0, colon).trim();
    const values = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    if (device === '' || values.length < COLUMNS.length) continue;
    if (values.slice(0, COLUMNS.length).some((v) => !Number.isFinite(v))) continue;
    out.push({ device, values });
  }
  return out;
}

/** Every device, none excluded: node_exporter 1.5 has no default device-exclude for netdev. */
export function netdevCollector(opts: HostCollectorOptions = {}): Collector {
  const paths = hostPaths(opts);
  return {
    name: 'netdev',
    async collect(now: number): Promise<CollectedSample[]> {
      const lines = parseNetDev(await readText(procFile(paths, 'net', 'dev')));
      const out: CollectedSample[] = [];
      for (const { device, values } of lines) {
        COLUMNS.forEach((stat, i) => out.push(sample(metricName(stat), { device }, values[i] as number, now)));
        const nohandler = await readNoHandler(sysFile(paths, 'class', 'net', device, 'statistics', 'rx_nohandler'));
        if (nohandler !== undefined) out.push(sample(metricName(NOHANDLER), { device }, nohandler, now));
      }
      return out;
    },
  };
}

async function readNoHandler(path: string): Promise<number | undefined> {
  try {
    const v = Number((await readText(path)).trim());
    return Number.isFinite(v) ? v : undefined;
  } catch {
    // Kernels before 4.6, or a sysfs from another network namespace: leave the series out.
    return undefined;
  }
}
