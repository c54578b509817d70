import { cpus } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectAll, hostCollectors, hostMetricMeta } from '../../agent/collect/host/index.ts';
import { MOUNT_POINTS_EXCLUDED } from '../../agent/collect/host/filesystem.ts';
import {
  groupSamples,
  parseExposition,
  seriesDiff,
  startNodeExporter,
  type Family,
  type RunningExporter,
} from '../agent/collect/reference-exposition.ts';
import { peer } from '../helpers/peers.ts';

/**
 * Outpost's host collectors against the real node_exporter 1.5 (Debian's prometheus-node-exporter) on this
 * machine, scraped at the same moment: names, TYPE, HELP, label names, series and values must agree.
 */
const binary = peer('prometheus-node-exporter', 'prometheus-node-exporter');

/** Exactly the collectors Outpost implements, so that node_exporter's other collectors do not muddy the diff. */
const COLLECTORS = [
  'cpu', 'cpufreq', 'diskstats', 'filesystem', 'hwmon', 'loadavg', 'meminfo', 'netdev', 'pressure', 'stat',
  'thermal_zone', 'time', 'uname',
];

const FLAGS = [
  '--collector.disable-defaults',
  ...COLLECTORS.map((c) => `--collector.${c}`),
  // Debian patches these two defaults (adds run|mnt|media to the mount exclude, excludes lo from netdev);
  // Outpost follows upstream 1.5, so the upstream values are passed explicitly.
  `--collector.filesystem.mount-points-exclude=${MOUNT_POINTS_EXCLUDED.source.replaceAll('\\/', '/')}`,
  '--collector.netdev.device-exclude=',
];

/**
 * Families only node_exporter emits, each for a stated reason (patterns for whole runtime namespaces); anything
 * else it emits must come from Outpost too.
 */
const NODE_EXPORTER_ONLY: ReadonlyArray<readonly [RegExp, string]> = [
  // The Go runtime of the exporter; the agent reports its Node.js runtime as nodejs_* instead.
  [/^go_/, 'Go runtime metrics (go_gc_duration_seconds, go_memstats_*, go_goroutines, go_info, go_threads)'],
  // The exporter's HTTP handler and build; the agent has no HTTP endpoint and reports itself as outpost_agent_*.
  [/^promhttp_metric_handler_/, 'promhttp handler self-metrics'],
  [/^node_exporter_build_info$/, 'exporter build'],
  // Per-collector duration and success: Outpost logs a failing collector once instead of exporting a series.
  [/^node_scrape_collector_(duration_seconds|success)$/, 'exporter per-collector self-metrics'],
];

/** Families only Outpost emits, likewise. */
const OUTPOST_ONLY: ReadonlyArray<readonly [RegExp, string]> = [
  [/^nodejs_/, "the agent's Node.js runtime (heap, event-loop lag, version), the counterpart of go_*"],
];

const allowed = (list: ReadonlyArray<readonly [RegExp, string]>, name: string) => list.some(([re]) => re.test(name));

/**
 * process_* describe each side's own process (node_exporter's, Outpost's agent), so only their names, TYPE, HELP
 * and labels are compared, and the values of these two, which node_exporter inherits from this test process.
 */
const PROCESS_SAME_VALUE = new Set(['process_max_fds', 'process_virtual_memory_max_bytes']);

/** The families each optional collector produces, to check that a collector Outpost skips is empty upstream too. */
const SOURCE_FAMILIES: Record<string, RegExp> = {
  cpufreq: /^node_cpu_(scaling_)?frequency_/,
  diskstats: /^node_disk_/,
  hwmon: /^node_hwmon_/,
  pressure: /^node_pressure_/,
  thermal_zone: /^node_(thermal_zone|cooling_device)_/,
};

const CPUS = cpus().length;
/**
 * How far a value may drift between the two reads, by family (first match wins); families not listed must agree
 * exactly. Both sides read the same kernel files within milliseconds of each other.
 */
const TOLERANCE: ReadonlyArray<readonly [RegExp, (v: number) => number]> = [
  [/^node_boot_time_seconds$/, () => 1],
  [/^node_time_seconds$/, () => 2],
  [/^node_load(1|5|15)$/, () => 0.5],
  [/^node_cpu_(guest_)?seconds_total$/, () => CPUS],
  [/^node_pressure_/, () => CPUS],
  [/^node_(context_switches|intr|forks)_total$/, (v) => 1e5 + v * 0.01],
  [/^node_procs_(running|blocked)$/, () => 2 * CPUS + 8],
  [/^node_network_(receive|transmit)_bytes_total$/, (v) => 64 * 1024 * 1024 + v * 0.01],
  [/^node_network_/, (v) => 100_000 + v * 0.01],
  [/^node_disk_.*bytes_total$/, (v) => 512 * 1024 * 1024 + v * 0.01],
  [/^node_disk_/, (v) => 100_000 + v * 0.01],
  [/^node_filesystem_(free|avail)_bytes$/, (v) => 256 * 1024 * 1024 + v * 0.01],
  [/^node_filesystem_files_free$/, (v) => 10_000 + v * 0.01],
  [/^node_memory_(MemTotal_bytes|SwapTotal_bytes|HugePages_Total|Hugepagesize_bytes|VmallocTotal_bytes)$/, () => 0],
  [/^node_memory_.*_bytes$/, (v) => 256 * 1024 * 1024 + v * 0.05],
  [/^node_memory_/, (v) => 64 + v * 0.05],
  [/^node_(hwmon|thermal_zone|cooling_device|cpu_scaling|cpu_frequency)/, (v) => 10 + Math.abs(v) * 0.2],
];

function tolerance(name: string, v: number): number {
  return TOLERANCE.find(([re]) => re.test(name))?.[1](Math.abs(v)) ?? 0;
}

describe.skipIf(binary === undefined)('host collectors against node_exporter 1.5 on this machine', () => {
  let running: RunningExporter | undefined;
  let exporter: Map<string, Family>;
  let outpost: Map<string, Family>;
  const skipped: string[] = [];

  beforeAll(async () => {
    running = await startNodeExporter(binary as string, FLAGS);
    const collectors = hostCollectors();
    // Warm-up so that both sides' first-read effects (e.g. the cpu collector's cache) are behind us; collectors
    // whose source this host lacks say so here, once.
    await collectAll(collectors, Date.now(), (line) => skipped.push(line));
    const [text, samples] = await Promise.all([
      running.scrape(),
      collectAll(collectors, Date.now(), (line) => skipped.push(`second run: ${line}`)),
    ]);
    exporter = parseExposition(text);
    outpost = groupSamples(samples);
  });

  afterAll(async () => {
    await running?.stop();
  });

  it('compares a meaningful set of families', () => {
    const shared = [...outpost.keys()].filter((n) => exporter.has(n));
    expect(shared.length).toBeGreaterThan(50);
    for (const core of ['node_cpu_seconds_total', 'node_memory_MemTotal_bytes', 'node_filesystem_size_bytes']) {
      expect(shared).toContain(core);
    }
    expect(shared).toContain('node_network_receive_bytes_total');
    expect(shared).toContain('process_resident_memory_bytes');
  });

  it('emits every family node_exporter emits, and nothing it does not', () => {
    const missing = [...exporter.keys()].filter((n) => !outpost.has(n) && !allowed(NODE_EXPORTER_ONLY, n));
    const extra = [...outpost.keys()].filter((n) => !exporter.has(n) && !allowed(OUTPOST_ONLY, n));
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
  });

  it('skips a collector only where node_exporter finds nothing either, and logs that only once', () => {
    const names = skipped.map((line) => /^collector (\S+) skipped/.exec(line)?.[1] ?? line);
    for (const name of names) {
      const families = SOURCE_FAMILIES[name];
      expect(families, `unexpected skip: ${name}`).toBeDefined();
      expect([...exporter.keys()].filter((n) => families?.test(n))).toEqual([]);
    }
    expect(skipped.filter((line) => line.startsWith('second run'))).toEqual([]);
  });

  it('has node_exporter TYPE and HELP in its metadata for every family', () => {
    const diffs: string[] = [];
    for (const name of outpost.keys()) {
      const ne = exporter.get(name);
      const meta = hostMetricMeta(name);
      if (!ne) continue;
      if (meta?.type !== ne.type) diffs.push(`${name}: TYPE ${meta?.type} vs ${ne.type}`);
      if (meta?.help !== ne.help) diffs.push(`${name}: HELP ${JSON.stringify(meta?.help)} vs ${JSON.stringify(ne.help)}`);
    }
    expect(diffs).toEqual([]);
  });

  it('uses the same label names and the same series in every family', () => {
    expect(seriesDiff(outpost, exporter)).toEqual([]);
  });

  it('agrees on values: exactly where fixed, within a drift bound where moving', () => {
    const diffs: string[] = [];
    let compared = 0;
    for (const [name, ours] of outpost) {
      const theirs = exporter.get(name);
      if (!theirs) continue;
      if (name.startsWith('process_') && !PROCESS_SAME_VALUE.has(name)) continue;
      for (const [key, s] of ours.series) {
        const other = theirs.series.get(key);
        if (!other) continue;
        compared += 1;
        const allowed = tolerance(name, other.v);
        const same = Object.is(s.v, other.v) || Math.abs(s.v - other.v) <= allowed;
        if (!same) diffs.push(`${name}${key}: ${s.v} vs ${other.v} (±${allowed})`);
      }
    }
    expect(diffs).toEqual([]);
    expect(compared).toBeGreaterThan(100);
    // The fixed values the brief singles out, spelled out so that a tolerance change cannot hide them.
    const one = (m: Map<string, Family>, name: string) => [...(m.get(name)?.series.values() ?? [])].map((s) => s.v);
    expect(one(outpost, 'node_memory_MemTotal_bytes')).toEqual(one(exporter, 'node_memory_MemTotal_bytes'));
    expect(one(outpost, 'node_filesystem_size_bytes').sort()).toEqual(one(exporter, 'node_filesystem_size_bytes').sort());
    expect(one(outpost, 'node_filesystem_files').sort()).toEqual(one(exporter, 'node_filesystem_files').sort());
    expect([...(outpost.get('node_uname_info')?.series.keys() ?? [])]).toEqual([
      ...(exporter.get('node_uname_info')?.series.keys() ?? []),
    ]);
  });
});
