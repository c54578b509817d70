import { afterEach, describe, expect, it } from 'vitest';
import {
  DISKSTATS_DEVICES_EXCLUDED,
  DISKSTATS_META,
  diskstatsCollector,
  parseDiskstats,
} from '../../../agent/collect/host/diskstats.ts';
import { fixtureTree, pick, removeFixtures, value } from './fixtures.ts';

const NOW = 1_700_000_000_000;
afterEach(removeFixtures);

// Kernel 5.5+ prints 17 statistics, 4.18–5.4 fifteen, older kernels eleven.
const PROC_DISKSTATS = `   8       0 sda 1000 20 30000 400 500 60 7000 800 3 9000 12345 70 1 880 90 44 55
   8       1 sda1 900 20 28000 380 480 60 6900 790 0 8900 12000 70 1 880 90 0 0
 259       0 nvme0n1 10 1 16 2 20 2 48 4 0 5 6 0 0 0 0
 259       1 nvme0n1p1 10 1 16 2 20 2 48 4 0 5 6 0 0 0 0
   7       0 loop0 1 0 2 0 0 0 0 0 0 0 0 0 0 0 0 0 0
 179       0 mmcblk0 5 0 40 1 6 0 48 2 0 3 3
 179       1 mmcblk0p1 5 0 40 1 6 0 48 2 0 3 3
 252       0 dm-0 100 0 800 10 200 0 1600 20 0 30 30 0 0 0 0 0 0
 202       1 xvda1 1 1 1 1 1 1 1 1 1 1 1
 253       0 zram0 0 0 0 0 0 0 0 0 0 0
`;

const UDEV_SDA = `S:disk/by-id/ata-Samsung_SSD_860_EVO_500GB_S3Z1NB0K123456X
I:1234567
E:ID_ATA=1
E:ID_ATA_WRITE_CACHE=1
E:ID_ATA_WRITE_CACHE_ENABLED=0
E:ID_ATA_ROTATION_RATE_RPM=0
E:ID_MODEL=Samsung_SSD_860_EVO_500GB
E:ID_SERIAL_SHORT=S3Z1NB0K123456X
E:ID_REVISION=RVT02B6Q
E:ID_WWN=0x5002538e4038852d
E:ID_PATH=pci-0000:00:1f.2-ata-1
G:systemd
`;

const UDEV_DM = `E:DM_NAME=vg0-root
E:DM_UUID=LVM-abc
E:DM_VG_NAME=vg0
E:DM_LV_NAME=root
E:ID_FS_TYPE=ext4
E:ID_FS_USAGE=filesystem
E:ID_FS_UUID=1234-5678
E:ID_FS_VERSION=1.0
`;

describe('diskstats device filter', () => {
  it('is node_exporter 1.5 default verbatim', () => {
    expect(DISKSTATS_DEVICES_EXCLUDED.source).toBe('^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$');
  });

  it.each([
    ['sda1', true],
    ['vdb12', true],
    ['xvda1', true],
    ['hda3', true],
    ['nvme0n1p2', true],
    ['loop7', true],
    ['ram0', true],
    ['fd0', true],
    ['sda', false],
    ['nvme0n1', false],
    ['mmcblk0p1', false],
    ['dm-0', false],
    ['md127', false],
    ['sr0', false],
    ['zram0', false],
  ])('%s excluded: %s', (device, excluded) => {
    expect(DISKSTATS_DEVICES_EXCLUDED.test(device)).toBe(excluded);
  });
});

describe('diskstats collector', () => {
  it('parses 11, 15 and 17 statistics and drops lines with fewer than 11', () => {
    const lines = parseDiskstats(PROC_DISKSTATS);
    const count = Object.fromEntries(lines.map((l) => [l.device, l.stats.length]));
    expect(count).toMatchObject({ sda: 17, nvme0n1: 15, mmcblk0: 11, 'dm-0': 17 });
    expect(count).not.toHaveProperty('zram0');
  });

  it('converts sectors to bytes and milliseconds to seconds, per device', async () => {
    const procPath = fixtureTree({ diskstats: PROC_DISKSTATS });
    const samples = await diskstatsCollector({ procPath, udevDataPath: '/nonexistent-udev' }).collect(NOW);
    // mmcblk partitions are not in node_exporter 1.5's default exclude, so mmcblk0p1 stays.
    const devices = new Set(samples.map((s) => s.labels.device));
    expect(devices).toEqual(new Set(['sda', 'nvme0n1', 'mmcblk0', 'mmcblk0p1', 'dm-0']));
    const sda = Object.fromEntries(
      samples
        .filter((s) => s.labels.device === 'sda' && s.labels.__name__ !== 'node_disk_info')
        .map((s) => [s.labels.__name__, s.v]),
    );
    expect(sda).toEqual({
      node_disk_reads_completed_total: 1000,
      node_disk_reads_merged_total: 20,
      node_disk_read_bytes_total: 30000 * 512,
      node_disk_read_time_seconds_total: 0.4,
      node_disk_writes_completed_total: 500,
      node_disk_writes_merged_total: 60,
      node_disk_written_bytes_total: 7000 * 512,
      node_disk_write_time_seconds_total: 0.8,
      node_disk_io_now: 3,
      node_disk_io_time_seconds_total: 9,
      node_disk_io_time_weighted_seconds_total: 12.345,
      node_disk_discards_completed_total: 70,
      node_disk_discards_merged_total: 1,
      // Sectors, not bytes, in node_exporter 1.5.
      node_disk_discarded_sectors_total: 880,
      node_disk_discard_time_seconds_total: 0.09,
      node_disk_flush_requests_total: 44,
      node_disk_flush_requests_time_seconds_total: 0.055,
    });
    // Older kernels: no discard or flush series rather than zeros.
    expect(pick(samples, 'node_disk_discards_completed_total', { device: 'mmcblk0' })).toHaveLength(0);
    expect(pick(samples, 'node_disk_flush_requests_total', { device: 'nvme0n1' })).toHaveLength(0);
    expect(value(samples, 'node_disk_discards_completed_total', { device: 'nvme0n1' })).toBe(0);
    // node_disk_info is there even without udev, with empty udev labels.
    expect(pick(samples, 'node_disk_info', { device: 'sda' })[0]?.labels).toEqual({
      __name__: 'node_disk_info',
      device: 'sda',
      major: '8',
      minor: '0',
      path: '',
      wwn: '',
      model: '',
      serial: '',
      revision: '',
    });
    for (const s of samples) expect(DISKSTATS_META[s.labels.__name__ as string], s.labels.__name__).toBeDefined();
  });

  it('labels node_disk_info from udev and adds filesystem, device-mapper and ATA series', async () => {
    const procPath = fixtureTree({ diskstats: PROC_DISKSTATS });
    const udevDataPath = fixtureTree({ 'b8:0': UDEV_SDA, 'b252:0': UDEV_DM });
    const samples = await diskstatsCollector({ procPath, udevDataPath }).collect(NOW);
    expect(pick(samples, 'node_disk_info', { device: 'sda' })[0]?.labels).toMatchObject({
      path: 'pci-0000:00:1f.2-ata-1',
      wwn: '0x5002538e4038852d',
      model: 'Samsung_SSD_860_EVO_500GB',
      serial: 'S3Z1NB0K123456X',
      revision: 'RVT02B6Q',
    });
    expect(value(samples, 'node_disk_ata_write_cache', { device: 'sda' })).toBe(1);
    expect(value(samples, 'node_disk_ata_write_cache_enabled', { device: 'sda' })).toBe(0);
    expect(value(samples, 'node_disk_ata_rotation_rate_rpm', { device: 'sda' })).toBe(0);
    expect(pick(samples, 'node_disk_filesystem_info')[0]?.labels).toEqual({
      __name__: 'node_disk_filesystem_info',
      device: 'dm-0',
      type: 'ext4',
      usage: 'filesystem',
      uuid: '1234-5678',
      version: '1.0',
    });
    expect(pick(samples, 'node_disk_device_mapper_info')[0]?.labels).toEqual({
      __name__: 'node_disk_device_mapper_info',
      device: 'dm-0',
      name: 'vg0-root',
      uuid: 'LVM-abc',
      vg_name: 'vg0',
      lv_name: 'root',
      lv_layer: '',
    });
    expect(pick(samples, 'node_disk_ata_write_cache', { device: 'dm-0' })).toHaveLength(0);
  });

  it('rejects when /proc/diskstats is missing', async () => {
    await expect(diskstatsCollector({ procPath: '/nonexistent-outpost-proc' }).collect(NOW)).rejects.toThrow(/ENOENT/);
  });
});
