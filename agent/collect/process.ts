import { readFile, readdir } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import type { CollectedSample } from '../../protocol/batch.ts';
import type { Collector, MetricMeta } from './collector.ts';

/**
 * The agent's own process, named and described as client_golang's process collector (and so node_exporter's own
 * /metrics) does, plus a few Node.js runtime gauges named as prom-client names them.
 */
export const PROCESS_META: Record<string, MetricMeta> = {
  process_cpu_seconds_total: { type: 'counter', help: 'Total user and system CPU time spent in seconds.' },
  process_open_fds: { type: 'gauge', help: 'Number of open file descriptors.' },
  process_max_fds: { type: 'gauge', help: 'Maximum number of open file descriptors.' },
  process_virtual_memory_bytes: { type: 'gauge', help: 'Virtual memory size in bytes.' },
  process_virtual_memory_max_bytes: { type: 'gauge', help: 'Maximum amount of virtual memory available in bytes.' },
  process_resident_memory_bytes: { type: 'gauge', help: 'Resident memory size in bytes.' },
  process_start_time_seconds: { type: 'gauge', help: 'Start time of the process since unix epoch in seconds.' },
  nodejs_heap_size_total_bytes: { type: 'gauge', help: 'Process heap size from Node.js in bytes.' },
  nodejs_heap_size_used_bytes: { type: 'gauge', help: 'Process heap size used from Node.js in bytes.' },
  nodejs_external_memory_bytes: { type: 'gauge', help: 'Node.js external memory size in bytes.' },
  nodejs_eventloop_lag_seconds: { type: 'gauge', help: 'Lag of event loop in seconds.' },
  nodejs_version_info: { type: 'gauge', help: 'Node.js version info.' },
};

/** USER_HZ, fixed at 100 by the kernel ABI (procfs assumes the same). */
const USER_HZ = 100;
/** What procfs reports for an "unlimited" resource limit: the largest uint64. */
const UNLIMITED = 18446744073709551615;
const AT_PAGESZ = 6;

/** Fields of /proc/<pid>/stat after "pid (comm)", counted from the state field (field 3 in proc(5)). */
export interface ProcStat {
  readonly utime: number;
  readonly stime: number;
  readonly starttime: number;
  readonly vsize: number;
  readonly rss: number;
}

/** comm may hold spaces and parentheses, so the fields start after the last ')'. */
export function parseProcStat(text: string): ProcStat {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error('no command name in stat');
  const f = text.slice(close + 1).trim().split(/\s+/).map(Number);
  const at = (field: number) => {
    const v = f[field - 3];
    if (v === undefined || !Number.isFinite(v)) throw new Error(`stat field ${field} missing`);
    return v;
  };
  return { utime: at(14), stime: at(15), starttime: at(22), vsize: at(23), rss: at(24) };
}

/** Soft limits by name ("Max open files" → 1024) from /proc/<pid>/limits; "unlimited" is the largest uint64. */
export function parseLimits(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n').slice(1)) {
    const [name, soft] = line.trim().split(/\s\s+/);
    if (name === undefined || soft === undefined) continue;
    const v = soft === 'unlimited' ? UNLIMITED : Number(soft);
    if (Number.isFinite(v)) out.set(name, v);
  }
  return out;
}

/** The page size from the auxiliary vector the kernel handed this process (AT_PAGESZ). */
export function pageSizeFromAuxv(auxv: Buffer, wordBytes = 8, littleEndian = endianness() === 'LE'): number | undefined {
  const word = (at: number) => {
    if (wordBytes === 4) return littleEndian ? auxv.readUInt32LE(at) : auxv.readUInt32BE(at);
    return Number(littleEndian ? auxv.readBigUInt64LE(at) : auxv.readBigUInt64BE(at));
  };
  for (let at = 0; at + 2 * wordBytes <= auxv.length; at += 2 * wordBytes) {
    const type = word(at);
    if (type === 0) break;
    if (type === AT_PAGESZ) return word(at + wordBytes);
  }
  return undefined;
}

export interface ProcessCollectorOptions {
  /** This process' own procfs; tests point it at a fixture. Not the host's --path.procfs: /proc/self must be us. */
  readonly procPath?: string;
}

const WORD_BYTES = ['arm', 'ia32', 'mips', 'mipsel', 'ppc'].includes(process.arch) ? 4 : 8;

/** Seconds until a setImmediate callback runs: how long the event loop currently keeps callbacks waiting. */
function eventLoopLag(): Promise<number> {
  const start = process.hrtime.bigint();
  return new Promise((resolve) => setImmediate(() => resolve(Number(process.hrtime.bigint() - start) / 1e9)));
}

/**
 * process_* from /proc/self (stat, fd, limits, with btime from /proc/stat) and nodejs_* from the runtime. Rejects
 * when /proc/self/stat cannot be read (not Linux); the fd count and limits are left out where they fail.
 */
export function processCollector(opts: ProcessCollectorOptions = {}): Collector {
  const proc = opts.procPath ?? '/proc';
  let pageSize: number | undefined;
  const [major = '', minor = '', patch = ''] = process.version.slice(1).split('.');
  return {
    name: 'process',
    async collect(now: number): Promise<CollectedSample[]> {
      const m = (name: string, v: number, labels: Record<string, string> = {}): CollectedSample => ({
        labels: { __name__: name, ...labels },
        v,
        t: now,
      });
      const lag = eventLoopLag();
      const stat = parseProcStat(await readFile(join(proc, 'self', 'stat'), 'utf8'));
      pageSize ??= await readFile(join(proc, 'self', 'auxv')).then(
        (auxv) => pageSizeFromAuxv(auxv, WORD_BYTES) ?? 4096,
        () => 4096,
      );
      const out = [
        m('process_cpu_seconds_total', (stat.utime + stat.stime) / USER_HZ),
        m('process_virtual_memory_bytes', stat.vsize),
        m('process_resident_memory_bytes', stat.rss * pageSize),
      ];
      const btime = /^btime\s+(\d+)$/m.exec(await readFile(join(proc, 'stat'), 'utf8').catch(() => ''));
      if (btime) out.push(m('process_start_time_seconds', Number(btime[1]) + stat.starttime / USER_HZ));
      try {
        out.push(m('process_open_fds', (await readdir(join(proc, 'self', 'fd'))).length));
      } catch {
        // hidepid or a seccomp profile: left out, as client_golang does.
      }
      try {
        const limits = parseLimits(await readFile(join(proc, 'self', 'limits'), 'utf8'));
        const fds = limits.get('Max open files');
        const as = limits.get('Max address space');
        if (fds !== undefined) out.push(m('process_max_fds', fds));
        if (as !== undefined) out.push(m('process_virtual_memory_max_bytes', as));
      } catch {
        // Same as above.
      }
      const mem = process.memoryUsage();
      out.push(m('nodejs_heap_size_total_bytes', mem.heapTotal));
      out.push(m('nodejs_heap_size_used_bytes', mem.heapUsed));
      out.push(m('nodejs_external_memory_bytes', mem.external));
      out.push(m('nodejs_eventloop_lag_seconds', await lag));
      out.push(m('nodejs_version_info', 1, { version: process.version, major, minor, patch }));
      return out;
    },
  };
}
