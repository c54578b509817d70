import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CollectedSample } from '../../../protocol/batch.ts';
import { METRIC_NAME } from '../../../protocol/labels.ts';

/**
 * Where the host's procfs and sysfs are mounted. Tests point these at fixture trees; an agent in a container
 * points them at the host's mounts (node_exporter's --path.procfs / --path.sysfs).
 */
export interface HostCollectorOptions {
  readonly procPath?: string;
  readonly sysPath?: string;
}

export interface HostPaths {
  readonly procPath: string;
  readonly sysPath: string;
}

export function hostPaths(opts: HostCollectorOptions = {}): HostPaths {
  return { procPath: opts.procPath ?? '/proc', sysPath: opts.sysPath ?? '/sys' };
}

export function procFile(paths: HostPaths, ...parts: string[]): string {
  return join(paths.procPath, ...parts);
}

export function sysFile(paths: HostPaths, ...parts: string[]): string {
  return join(paths.sysPath, ...parts);
}

export function readText(file: string): Promise<string> {
  return readFile(file, 'utf8');
}

/** Non-empty lines split on runs of whitespace, the way node_exporter's strings.Fields scanning sees them. */
export function fieldLines(text: string): string[][] {
  const out: string[][] = [];
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts[0] !== '') out.push(parts);
  }
  return out;
}

export function sample(name: string, labels: Record<string, string>, v: number, t: number): CollectedSample {
  return { labels: { [METRIC_NAME]: name, ...labels }, v, t };
}
