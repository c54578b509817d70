import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CollectedSample } from '../../../protocol/batch.ts';

const made: string[] = [];

/** A temp directory holding `files` (relative path → content), standing in for /proc or /sys. */
export function fixtureTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'outpost-collect-'));
  made.push(root);
  for (const [rel, content] of Object.entries(files)) {
    const file = join(root, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return root;
}

export function removeFixtures(): void {
  for (const root of made.splice(0)) rmSync(root, { recursive: true, force: true });
}

/** Samples of one metric whose labels include `match`. */
export function pick(samples: readonly CollectedSample[], name: string, match: Record<string, string> = {}) {
  return samples.filter(
    (s) => s.labels.__name__ === name && Object.entries(match).every(([k, v]) => s.labels[k] === v),
  );
}

/** The single value of one series; fails loudly when it is absent or ambiguous. */
export function value(samples: readonly CollectedSample[], name: string, match: Record<string, string> = {}): number {
  const found = pick(samples, name, match);
  if (found.length !== 1) throw new Error(`${found.length} samples for ${name} ${JSON.stringify(match)}`);
  return (found[0] as CollectedSample).v;
}

// Hand-written in the exact layouts a 6.x kernel prints, values chosen to make the arithmetic checkable.
export const PROC_STAT = `cpu  2469 10 1260 123456 40 0 17 5 3 1
cpu0 1234 4 630 61728 20 0 9 2 3 1
cpu1 1235 6 630 61728 20 0 8 3 0 0
intr 1184711 9 0 0 0 0 0 0 0 1 0 0
ctxt 2418264
btime 1700000000
processes 12345
procs_running 2
procs_blocked 1
softirq 560371 0 144418 9 37210 22093 0 4 189823 0 166814
`;

export const PROC_MEMINFO = `MemTotal:             16 kB
MemFree:         1024000 kB
MemAvailable:    2048000 kB
Active(anon):        100 kB
Inactive(file):      200 kB
HugePages_Total:       4
HugePages_Free:        3
Hugepagesize:       2048 kB
DirectMap4k:      185660 kB
`;

export const PROC_NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0
  eth0: 987654321 1234 1 2 3 4 5 6 123456789 4321 7 8 9 10 11 12
docker0:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0
`;

export const PROC_MOUNTS = `sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
udev /dev devtmpfs rw,nosuid,relatime,size=8119016k,nr_inodes=2029754,mode=755 0 0
devpts /dev/pts devpts rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=000 0 0
tmpfs /run tmpfs rw,nosuid,nodev,noexec,relatime,size=1628204k,mode=755 0 0
/dev/sda1 / ext4 rw,relatime,errors=remount-ro 0 0
securityfs /sys/kernel/security securityfs rw,nosuid,nodev,noexec,relatime 0 0
cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime 0 0
tmpfs /run/credentials/systemd-sysusers.service ramfs ro,nosuid,nodev,noexec,relatime,mode=700 0 0
/dev/loop0 /snap/core/1 squashfs ro,nodev,relatime 0 0
overlay /var/lib/docker/overlay2/abc/merged overlay rw,relatime 0 0
/dev/sdb1 /var/lib/docker ext4 rw,relatime 0 0
/dev/sdc1 /media/usb\\040stick vfat ro,relatime 0 0
nfs:/export /mnt/nfs nfs4 rw,relatime 0 0
/dev/sda1 / ext4 rw,relatime,errors=remount-ro 0 0
/dev/sr0 /media/cdrom iso9660 ro,relatime 0 0
`;
