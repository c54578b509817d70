import { open, readFile } from 'node:fs/promises';
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

/**
 * One read(2) of at most `max` bytes, as procfs' SysReadFile and node_exporter's hwmon reader do: some sysfs
 * drivers misbehave on the second read a buffered reader would make.
 */
export async function readSysfsOnce(file: string, max = 128): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(max);
    const { bytesRead } = await fh.read(buf, 0, max, null);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}

/** The errno name of a failed fs call (ENOENT, EACCES, …), or undefined for other errors. */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** What os.IsNotExist / os.IsPermission accept in procfs: the file is simply not there for us. */
export function isAbsent(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'ENOENT' || code === 'EACCES' || code === 'EPERM';
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SPECIAL = /^[+-]?(inf|infinity|nan)$/i;

/** Go's strconv.ParseFloat for the decimal forms sysfs prints; undefined where Go would return an error. */
export function parseFloatStrict(text: string): number | undefined {
  if (DECIMAL.test(text)) return Number(text);
  if (!SPECIAL.test(text)) return undefined;
  if (/nan/i.test(text)) return NaN;
  return text.startsWith('-') ? -Infinity : Infinity;
}

/** Go's strconv.ParseInt(strings.TrimSpace(text), 10, 64) as procfs uses it; throws where Go errors. */
export function parseIntStrict(text: string, what: string): number {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) throw new Error(`${what}: invalid integer ${JSON.stringify(t.slice(0, 40))}`);
  return Number(t);
}
