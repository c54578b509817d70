import type { AgentBuild, ColdStart, InstallFootprint } from './install-footprint.ts';

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

/** BENCHMARKS.md's section for `BENCH_ONLY=install`. */
export function installReport(r: InstallFootprint, command: string, machine: string): string {
  const cold = (build: AgentBuild, key: keyof ColdStart) => `${median(r.cold[build].map((c) => c[key])).toFixed(0)} ms`;
  const steady = (build: AgentBuild) => r.steady[build];
  return [
    `Command: \`${command}\` — ${machine}.`,
    '',
    `The agent tarball \`npm run dist\` builds for this machine (${r.tarball.platform}), unpacked in a temp directory and run`,
    'as a device runs it (`bin/outpost agent`, nothing else on the module path), against an Outpost aggregator with its',
    'embedded broker and enrolled credentials; beside it, the same agent run from the repository through tsx. The',
    'other platforms\' tarballs differ only in lmdb\'s native binary.',
    '',
    '| tarball | packed | unpacked |',
    '|---|---|---|',
    `| ${r.tarball.file.split('/').pop()} | ${mb(r.tarball.packedBytes)} MB | ${mb(r.tarball.unpackedBytes)} MB |`,
    '',
    `Cold start: median of ${r.runs} starts each, from spawning the process (fresh data directory, 15 s interval) to its`,
    '"connected" log line, and to the aggregator\'s /api/agents counting its first stored batch (the agent collects at',
    'once and sends after its 1 s batch delay). Steady state: both collect host metrics every 5 s, as in the footprint',
    `section above; RSS sampled every second for ${r.seconds} s after a 30 s warm-up.`,
    '',
    '| | precompiled (tarball) | tsx (repository) |',
    '|---|---|---|',
    `| start → connected | ${cold('tarball', 'connectedMs')} | ${cold('tsx', 'connectedMs')} |`,
    `| start → first batch stored | ${cold('tarball', 'firstBatchMs')} | ${cold('tsx', 'firstBatchMs')} |`,
    `| steady RSS mean / max | ${steady('tarball').rssMeanMB.toFixed(1)} / ${steady('tarball').rssMaxMB.toFixed(1)} MB | ${steady('tsx').rssMeanMB.toFixed(1)} / ${steady('tsx').rssMaxMB.toFixed(1)} MB |`,
    `| CPU s / min | ${steady('tarball').cpuSecondsPerMinute.toFixed(3)} | ${steady('tsx').cpuSecondsPerMinute.toFixed(3)} |`,
  ].join('\n');
}
