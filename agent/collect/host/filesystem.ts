import { statfs as statfsAsync } from 'node:fs/promises';
import type { CollectedSample } from '../../../protocol/batch.ts';
import type { Collector, MetricMeta } from '../collector.ts';
import {
  fieldLines,
  hostPaths,
  procFile,
  readText,
  sample,
  type HostCollectorOptions,
  type HostPaths,
} from './paths.ts';

export const FILESYSTEM_META: Record<string, MetricMeta> = {
  node_filesystem_size_bytes: { type: 'gauge', help: 'Filesystem size in bytes.' },
  node_filesystem_free_bytes: { type: 'gauge', help: 'Filesystem free space in bytes.' },
  node_filesystem_avail_bytes: { type: 'gauge', help: 'Filesystem space available to non-root users in bytes.' },
  node_filesystem_files: { type: 'gauge', help: 'Filesystem total file nodes.' },
  node_filesystem_files_free: { type: 'gauge', help: 'Filesystem total free file nodes.' },
  node_filesystem_readonly: { type: 'gauge', help: 'Filesystem read-only status.' },
  node_filesystem_device_error: {
    type: 'gauge',
    help: 'Whether an error occurred while getting statistics for the given device.',
  },
};

/**
 * node_exporter 1.5's defaults for --collector.filesystem.mount-points-exclude and fs-types-exclude, kept on one
 * line each so they can be compared character by character with filesystem_linux.go.
 */
export const MOUNT_POINTS_EXCLUDED =
  /^\/(dev|proc|run\/credentials\/.+|sys|var\/lib\/docker\/.+|var\/lib\/containers\/storage\/.+)($|\/)/;
export const FS_TYPES_EXCLUDED =
  /^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$/;

export interface MountEntry {
  readonly device: string;
  readonly mountpoint: string;
  readonly fstype: string;
  readonly options: string;
}

/** The fields of statfs(2) this collector reads; node's StatFs has them. */
export interface StatFsResult {
  readonly bsize: number;
  readonly blocks: number;
  readonly bfree: number;
  readonly bavail: number;
  readonly files: number;
  readonly ffree: number;
}

export interface FilesystemCollectorOptions extends HostCollectorOptions {
  /** Replaced in tests; the default runs statfs on libuv's thread pool so a dead NFS server cannot block the loop. */
  readonly statfs?: (path: string) => Promise<StatFsResult>;
  /**
   * After this long a mount is reported as errored and not asked again until the hung call returns
   * (5 s, node_exporter's hidden --collector.filesystem.mount-timeout default).
   */
  readonly mountTimeoutMs?: number;
}

/** The kernel escapes space, tab, newline and backslash in mount paths as three-digit octal (fstab(5)). */
export function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export function parseMounts(text: string): MountEntry[] {
  return fieldLines(text)
    .filter((parts) => parts.length >= 4)
    .map(([device, mountpoint, fstype, options]) => ({
      device: device as string,
      mountpoint: unescapeMountPath(mountpoint as string),
      fstype: fstype as string,
      options: options as string,
    }));
}

export function isExcludedMount(m: Pick<MountEntry, 'mountpoint' | 'fstype'>): boolean {
  return MOUNT_POINTS_EXCLUDED.test(m.mountpoint) || FS_TYPES_EXCLUDED.test(m.fstype);
}

async function readMounts(paths: HostPaths): Promise<string> {
  try {
    // The init process' view is the host's even when this agent sits in its own mount namespace.
    return await readText(procFile(paths, '1', 'mounts'));
  } catch {
    // Hidden by hidepid or not permitted: our own view is the next best thing.
    return readText(procFile(paths, 'self', 'mounts'));
  }
}

const TIMED_OUT = Symbol('timed out');

export function filesystemCollector(opts: FilesystemCollectorOptions = {}): Collector {
  const paths = hostPaths(opts);
  const statfs = opts.statfs ?? ((path: string) => statfsAsync(path));
  const timeoutMs = opts.mountTimeoutMs ?? 5000;
  /** Mount points whose statfs is still outstanding after the timeout. */
  const stuck = new Set<string>();

  async function stat(mountpoint: string): Promise<StatFsResult | undefined> {
    if (stuck.has(mountpoint)) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
      timer.unref();
    });
    try {
      const call = statfs(mountpoint);
      const result = await Promise.race([call, timeout]);
      if (result !== TIMED_OUT) return result;
      stuck.add(mountpoint);
      call.then(
        () => stuck.delete(mountpoint),
        () => stuck.delete(mountpoint),
      );
      return undefined;
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    name: 'filesystem',
    async collect(now: number): Promise<CollectedSample[]> {
      const seen = new Set<string>();
      const mounts = parseMounts(await readMounts(paths)).filter((m) => {
        // The same mount can be listed twice (bind mounts onto themselves); one series per label set.
        const key = JSON.stringify([m.device, m.mountpoint, m.fstype]);
        if (isExcludedMount(m) || seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      const stats = await Promise.all(mounts.map((m) => stat(m.mountpoint)));
      const out: CollectedSample[] = [];
      mounts.forEach((m, i) => {
        const labels = { device: m.device, fstype: m.fstype, mountpoint: m.mountpoint };
        const s = stats[i];
        out.push(sample('node_filesystem_device_error', labels, s === undefined ? 1 : 0, now));
        if (s === undefined) return;
        // node_exporter multiplies by f_bsize (not f_frsize); they are equal on Linux filesystems in practice.
        out.push(sample('node_filesystem_size_bytes', labels, s.blocks * s.bsize, now));
        out.push(sample('node_filesystem_free_bytes', labels, s.bfree * s.bsize, now));
        out.push(sample('node_filesystem_avail_bytes', labels, s.bavail * s.bsize, now));
        out.push(sample('node_filesystem_files', labels, s.files, now));
        out.push(sample('node_filesystem_files_free', labels, s.ffree, now));
        // Read-only comes from the mount options, as node_exporter 1.5 does, not from statfs flags.
        const ro = m.options.split(',').includes('ro') ? 1 : 0;
        out.push(sample('node_filesystem_readonly', labels, ro, now));
      });
      return out;
    },
  };
}
