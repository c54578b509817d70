import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds (user + system) and resident memory of a process and all its descendants, from /proc. */
export interface Usage {
  readonly cpuSeconds: number;
  readonly rssBytes: number;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux
const PAGE = 4096;

function children(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

export function usage(pid: number): Usage {
  let cpuSeconds = 0;
  let rssBytes = 0;
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) pids.push(...children(pids[i] as number));
  for (const p of pids) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Fields after the command: state(0) ppid(1) … utime(11) stime(12) … rss(21), per proc(5).
      cpuSeconds += (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
      rssBytes += Number(fields[21]) * PAGE;
    } catch {
      // gone
    }
  }
  return { cpuSeconds, rssBytes };
}
