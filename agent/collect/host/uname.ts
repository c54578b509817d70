import os from 'node:os';
import type { CollectedSample } from '../../../protocol/batch.ts';
import type { Collector, MetricMeta } from '../collector.ts';
import { hostPaths, procFile, readText, type HostCollectorOptions, sample } from './paths.ts';

export const UNAME_META: Record<string, MetricMeta> = {
  node_uname_info: { type: 'gauge', help: 'Labeled system information as provided by the uname system call.' },
};

/** node_uname_info label → its /proc/sys/kernel file and the os-module fallback (both are uname(2) underneath). */
const SOURCES: ReadonlyArray<readonly [string, string | undefined, () => string]> = [
  ['sysname', 'ostype', () => os.type()],
  ['release', 'osrelease', () => os.release()],
  ['version', 'version', () => os.version()],
  // No /proc/sys/kernel file carries the machine before Linux 6.1's `arch`, so os.machine() is the source.
  ['machine', undefined, () => os.machine()],
  ['nodename', 'hostname', () => os.hostname()],
  // The kernel's default NIS domain name, which uname reports when none is set.
  ['domainname', 'domainname', () => '(none)'],
];

async function kernelValue(path: string): Promise<string | undefined> {
  try {
    return (await readText(path)).replace(/\n$/, '');
  } catch {
    return undefined;
  }
}

export function unameCollector(opts: HostCollectorOptions = {}): Collector {
  const paths = hostPaths(opts);
  return {
    name: 'uname',
    async collect(now: number): Promise<CollectedSample[]> {
      const labels: Record<string, string> = {};
      for (const [label, file, fallback] of SOURCES) {
        const fromProc = file === undefined ? undefined : await kernelValue(procFile(paths, 'sys', 'kernel', file));
        labels[label] = fromProc ?? fallback();
      }
      return [sample('node_uname_info', labels, 1, now)];
    },
  };
}
