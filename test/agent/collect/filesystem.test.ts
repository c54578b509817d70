import { afterEach, describe, expect, it } from 'vitest';
import {
  FS_TYPES_EXCLUDED,
  MOUNT_POINTS_EXCLUDED,
  filesystemCollector,
  isExcludedMount,
  unescapeMountPath,
  type StatFsResult,
} from '../../../agent/collect/host/filesystem.ts';
import { PROC_MOUNTS, fixtureTree, pick, removeFixtures, value } from './fixtures.ts';

const NOW = 1_700_000_000_000;
afterEach(removeFixtures);

const STATS: StatFsResult = { bsize: 4096, blocks: 1000, bfree: 400, bavail: 300, files: 500, ffree: 200 };

/** statfs stand-in: fixture mount points do not exist here, and the NFS one "fails". */
async function fakeStatfs(path: string): Promise<StatFsResult> {
  if (path === '/mnt/nfs') throw Object.assign(new Error('EIO'), { code: 'EIO' });
  return STATS;
}

describe('filesystem exclusions (node_exporter 1.5 defaults)', () => {
  it('are node_exporter v1.5.0 filesystem_linux.go defaults verbatim', () => {
    expect(MOUNT_POINTS_EXCLUDED.source.replaceAll('\\/', '/')).toBe(
      '^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)',
    );
    expect(FS_TYPES_EXCLUDED.source).toBe(
      '^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|' +
        'overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$',
    );
  });

  it.each([
    ['/dev', true],
    ['/dev/shm', true],
    ['/proc', true],
    ['/sys/fs/cgroup', true],
    ['/run/credentials/foo.service', true],
    ['/var/lib/docker/overlay2/x/merged', true],
    ['/var/lib/containers/storage/overlay', true],
    // Only what is under these roots goes: the roots themselves are real disks people watch.
    ['/var/lib/docker', false],
    ['/run/credentials', false],
    ['/run', false],
    ['/', false],
    ['/devices', false],
    ['/home/sys', false],
  ])('mount point %s excluded: %s', (mountpoint, excluded) => {
    expect(MOUNT_POINTS_EXCLUDED.test(mountpoint)).toBe(excluded);
  });

  it.each([
    ['proc', true],
    ['sysfs', true],
    ['cgroup', true],
    ['cgroup2', true],
    ['overlay', true],
    ['squashfs', true],
    ['nsfs', true],
    ['tmpfs', false],
    ['ext4', false],
    ['nfs4', false],
    ['ramfs', false],
    ['cgroup3', false],
  ])('fs type %s excluded: %s', (fstype, excluded) => {
    expect(FS_TYPES_EXCLUDED.test(fstype)).toBe(excluded);
  });

  it('needs only one of the two to exclude a mount', () => {
    expect(isExcludedMount({ mountpoint: '/mnt/x', fstype: 'debugfs' })).toBe(true);
    expect(isExcludedMount({ mountpoint: '/proc/fs/nfsd', fstype: 'ext4' })).toBe(true);
  });
});

describe('filesystem collector', () => {
  it('reports the mounts node_exporter keeps, with sizes from statfs', async () => {
    const procPath = fixtureTree({ '1/mounts': PROC_MOUNTS });
    const samples = await filesystemCollector({ procPath, statfs: fakeStatfs }).collect(NOW);
    const mountpoints = new Set(samples.map((s) => s.labels.mountpoint));
    expect(mountpoints).toEqual(new Set(['/run', '/', '/var/lib/docker', '/media/usb stick', '/mnt/nfs']));

    const root = { device: '/dev/sda1', fstype: 'ext4', mountpoint: '/' };
    expect(value(samples, 'node_filesystem_size_bytes', root)).toBe(4096 * 1000);
    expect(value(samples, 'node_filesystem_free_bytes', root)).toBe(4096 * 400);
    expect(value(samples, 'node_filesystem_avail_bytes', root)).toBe(4096 * 300);
    expect(value(samples, 'node_filesystem_files', root)).toBe(500);
    expect(value(samples, 'node_filesystem_files_free', root)).toBe(200);
    expect(value(samples, 'node_filesystem_readonly', root)).toBe(0);
    expect(value(samples, 'node_filesystem_device_error', root)).toBe(0);
    // The duplicate "/" line yields one series per metric, not two.
    expect(pick(samples, 'node_filesystem_size_bytes', { mountpoint: '/' })).toHaveLength(1);
    expect(Object.keys(pick(samples, 'node_filesystem_size_bytes', root)[0]?.labels ?? {}).sort()).toEqual([
      '__name__',
      'device',
      'fstype',
      'mountpoint',
    ]);
  });

  it('keeps tmpfs, reads read-only from the mount options and unescapes \\040', async () => {
    const procPath = fixtureTree({ '1/mounts': PROC_MOUNTS });
    const samples = await filesystemCollector({ procPath, statfs: fakeStatfs }).collect(NOW);
    expect(value(samples, 'node_filesystem_size_bytes', { fstype: 'tmpfs', mountpoint: '/run' })).toBe(4096000);
    expect(value(samples, 'node_filesystem_readonly', { device: '/dev/sdc1', mountpoint: '/media/usb stick' })).toBe(1);
    expect(unescapeMountPath('/a\\040b\\011c\\134d')).toBe('/a b\tc\\d');
  });

  it('marks a mount whose statfs fails with device_error 1 and no sizes', async () => {
    const procPath = fixtureTree({ '1/mounts': PROC_MOUNTS });
    const samples = await filesystemCollector({ procPath, statfs: fakeStatfs }).collect(NOW);
    const nfs = samples.filter((s) => s.labels.mountpoint === '/mnt/nfs');
    expect(nfs.map((s) => [s.labels.__name__, s.v])).toEqual([['node_filesystem_device_error', 1]]);
  });

  it('gives up on a hung statfs after the timeout and does not ask again until it returns', async () => {
    let release: (s: StatFsResult) => void = () => {};
    let hung = true;
    let calls = 0;
    const statfs = (): Promise<StatFsResult> => {
      calls += 1;
      return hung ? new Promise((resolve) => (release = resolve)) : Promise.resolve(STATS);
    };
    const procPath = fixtureTree({ '1/mounts': 'nfs:/x /mnt/nfs nfs4 rw 0 0\n' });
    const c = filesystemCollector({ procPath, statfs, mountTimeoutMs: 20 });
    expect(value(await c.collect(NOW), 'node_filesystem_device_error')).toBe(1);
    expect(value(await c.collect(NOW), 'node_filesystem_device_error')).toBe(1);
    expect(calls).toBe(1);
    hung = false;
    release(STATS);
    await new Promise((r) => setTimeout(r, 0));
    expect(value(await c.collect(NOW), 'node_filesystem_size_bytes')).toBe(4096000);
    expect(calls).toBe(2);
  });

  it('falls back to self/mounts when 1/mounts is hidden', async () => {
    const procPath = fixtureTree({ 'self/mounts': '/dev/vda / ext4 ro 0 0\n' });
    const samples = await filesystemCollector({ procPath, statfs: fakeStatfs }).collect(NOW);
    expect(value(samples, 'node_filesystem_readonly', { device: '/dev/vda' })).toBe(1);
  });
});
