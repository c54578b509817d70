import { join } from 'node:path';
import type { CollectedSample } from '../../../protocol/batch.ts';
import type { Collector, MetricMeta } from '../collector.ts';
import { fieldLines, hostPaths, procFile, readText, sample, type HostCollectorOptions } from './paths.ts';

/** node_exporter 1.5's default --collector.diskstats.device-exclude: partitions and pseudo devices. */
export const DISKSTATS_DEVICES_EXCLUDED = /^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$/;

const counter = (help: string): MetricMeta => ({ type: 'counter', help });

/**
 * /proc/diskstats columns after major, minor and name, in order: metric, HELP, and the factor node_exporter
 * applies (sectors are always 512 bytes there; times are milliseconds). Discarded sectors stay sectors in 1.5.
 */
const COLUMNS: ReadonlyArray<readonly [string, MetricMeta, number]> = [
  ['node_disk_reads_completed_total', counter('The total number of reads completed successfully.'), 1],
  ['node_disk_reads_merged_total', counter('The total number of reads merged.'), 1],
  ['node_disk_read_bytes_total', counter('The total number of bytes read successfully.'), 512],
  ['node_disk_read_time_seconds_total', counter('The total number of seconds spent by all reads.'), 0.001],
  ['node_disk_writes_completed_total', counter('The total number of writes completed successfully.'), 1],
  ['node_disk_writes_merged_total', counter('The number of writes merged.'), 1],
  ['node_disk_written_bytes_total', counter('The total number of bytes written successfully.'), 512],
  ['node_disk_write_time_seconds_total', counter('This is the total number of seconds spent by all writes.'), 0.001],
  ['node_disk_io_now', { type: 'gauge', help: 'The number of I/Os currently in progress.' }, 1],
  ['node_disk_io_time_seconds_total', counter('Total seconds spent doing I/Os.'), 0.001],
  ['node_disk_io_time_weighted_seconds_total', counter('The weighted # of seconds spent doing I/Os.'), 0.001],
  ['node_disk_discards_completed_total', counter('The total number of discards completed successfully.'), 1],
  ['node_disk_discards_merged_total', counter('The total number of discards merged.'), 1],
  ['node_disk_discarded_sectors_total', counter('The total number of sectors discarded successfully.'), 1],
  ['node_disk_discard_time_seconds_total', counter('This is the total number of seconds spent by all discards.'), 0.001],
  // node_exporter's HELP for these two has no final full stop.
  ['node_disk_flush_requests_total', counter('The total number of flush requests completed successfully'), 1],
  [
    'node_disk_flush_requests_time_seconds_total',
    counter('This is the total number of seconds spent by all flush requests.'),
    0.001,
  ],
];

/** udev properties (E: lines of /run/udev/data/b<major>:<minor>) that become gauges on ATA disks. */
const ATA: ReadonlyArray<readonly [string, string, string]> = [
  ['ID_ATA_WRITE_CACHE', 'node_disk_ata_write_cache', 'ATA disk has a write cache.'],
  ['ID_ATA_WRITE_CACHE_ENABLED', 'node_disk_ata_write_cache_enabled', 'ATA disk has its write cache enabled.'],
  ['ID_ATA_ROTATION_RATE_RPM', 'node_disk_ata_rotation_rate_rpm', 'ATA disk rotation rate in RPMs (0 for SSDs).'],
];

export const DISKSTATS_META: Record<string, MetricMeta> = {
  node_disk_info: { type: 'gauge', help: 'Info of /sys/block/<block_device>.' },
  ...Object.fromEntries(COLUMNS.map(([name, meta]) => [name, meta])),
  node_disk_filesystem_info: { type: 'gauge', help: 'Info about disk filesystem.' },
  node_disk_device_mapper_info: { type: 'gauge', help: 'Info about disk device mapper.' },
  ...Object.fromEntries(ATA.map(([, name, help]) => [name, { type: 'gauge', help } satisfies MetricMeta])),
};

export interface DiskstatsLine {
  readonly major: string;
  readonly minor: string;
  readonly device: string;
  /** The statistics the kernel printed: 11 (before 4.18), 15 (discards) or 17 (flushes, 5.5+). */
  readonly stats: readonly number[];
}

/** Lines with at least the eleven classic statistics, as procfs keeps them; shorter or garbled lines are dropped. */
export function parseDiskstats(text: string): DiskstatsLine[] {
  const out: DiskstatsLine[] = [];
  for (const parts of fieldLines(text)) {
    const [major, minor, device] = parts as [string, string, string];
    if (parts.length < 14 || !/^\d+$/.test(major) || !/^\d+$/.test(minor)) continue;
    const stats: number[] = [];
    for (const p of parts.slice(3, 3 + COLUMNS.length)) {
      if (!/^\d+$/.test(p)) break;
      stats.push(Number(p));
    }
    if (stats.length >= 11) out.push({ major, minor, device, stats });
  }
  return out;
}

/** The E: properties of udev's database entry for a block device; empty when udev keeps none (containers). */
export function parseUdevProperties(text: string): Map<string, string> {
  const props = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('E:')) continue;
    const eq = line.indexOf('=');
    if (eq > 2) props.set(line.slice(2, eq), line.slice(eq + 1));
  }
  return props;
}

export interface DiskstatsCollectorOptions extends HostCollectorOptions {
  /** udev's database (node_exporter's --collector.diskstats… uses /run/udev/data, not under --path.rootfs). */
  readonly udevDataPath?: string;
}

export function diskstatsCollector(opts: DiskstatsCollectorOptions = {}): Collector {
  const paths = hostPaths(opts);
  const udevDataPath = opts.udevDataPath ?? '/run/udev/data';

  async function udev(line: DiskstatsLine): Promise<Map<string, string>> {
    try {
      return parseUdevProperties(await readText(join(udevDataPath, `b${line.major}:${line.minor}`)));
    } catch {
      return new Map();
    }
  }

  return {
    name: 'diskstats',
    async collect(now: number): Promise<CollectedSample[]> {
      const lines = parseDiskstats(await readText(procFile(paths, 'diskstats')));
      const out: CollectedSample[] = [];
      for (const line of lines) {
        const { device } = line;
        if (DISKSTATS_DEVICES_EXCLUDED.test(device)) continue;
        const info = await udev(line);
        const prop = (key: string) => info.get(key) ?? '';
        out.push(
          sample(
            'node_disk_info',
            {
              device,
              major: line.major,
              minor: line.minor,
              path: prop('ID_PATH'),
              wwn: prop('ID_WWN'),
              model: prop('ID_MODEL'),
              serial: prop('ID_SERIAL_SHORT'),
              revision: prop('ID_REVISION'),
            },
            1,
            now,
          ),
        );
        // Only the columns this kernel prints: no discard/flush series on kernels that lack them.
        line.stats.forEach((v, i) => {
          const [name, , factor] = COLUMNS[i] as (typeof COLUMNS)[number];
          out.push(sample(name, { device }, factor === 1 ? v : v * factor, now));
        });
        if (prop('ID_FS_TYPE') !== '') {
          const labels = {
            device,
            type: prop('ID_FS_TYPE'),
            usage: prop('ID_FS_USAGE'),
            uuid: prop('ID_FS_UUID'),
            version: prop('ID_FS_VERSION'),
          };
          out.push(sample('node_disk_filesystem_info', labels, 1, now));
        }
        if (prop('DM_NAME') !== '') {
          const labels = {
            device,
            name: prop('DM_NAME'),
            uuid: prop('DM_UUID'),
            vg_name: prop('DM_VG_NAME'),
            lv_name: prop('DM_LV_NAME'),
            lv_layer: prop('DM_LV_LAYER'),
          };
          out.push(sample('node_disk_device_mapper_info', labels, 1, now));
        }
        if (prop('ID_ATA') !== '') {
          for (const [key, name] of ATA) {
            const raw = info.get(key);
            const v = raw === undefined ? NaN : Number(raw);
            if (raw !== undefined && raw.trim() !== '' && Number.isFinite(v)) out.push(sample(name, { device }, v, now));
          }
        }
      }
      return out;
    },
  };
}
