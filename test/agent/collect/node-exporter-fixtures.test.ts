import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectAll, hostMetricMeta } from '../../../agent/collect/host/index.ts';
import { cpufreqCollector } from '../../../agent/collect/host/cpufreq.ts';
import { diskstatsCollector } from '../../../agent/collect/host/diskstats.ts';
import { hwmonCollector } from '../../../agent/collect/host/hwmon.ts';
import { pressureCollector } from '../../../agent/collect/host/pressure.ts';
import { thermalZoneCollector } from '../../../agent/collect/host/thermal.ts';
import { peer } from '../../helpers/peers.ts';
import { fixtureTree, removeFixtures } from './fixtures.ts';
import {
  groupSamples,
  parseExposition,
  seriesDiff,
  startNodeExporter,
  type Family,
  type RunningExporter,
} from './reference-exposition.ts';
import { PROC_FIXTURE, UDEV_FIXTURE, sysFixture } from './sys-fixtures.ts';

/**
 * The collectors whose hardware this machine may lack (sensors, thermal zones, cpufreq), plus diskstats and
 * pressure, run by node_exporter 1.5 and by Outpost over the same fixture trees (--path.sysfs, --path.procfs,
 * --path.udev.data). Fixture values do not move, so everything must agree exactly.
 */
const binary = peer('prometheus-node-exporter', 'prometheus-node-exporter');

const COLLECTORS = ['cpufreq', 'diskstats', 'hwmon', 'pressure', 'thermal_zone'];

/** node_exporter's own families, not host data. */
const EXPORTER_SELF = new Set([
  'node_exporter_build_info',
  'promhttp_metric_handler_errors_total',
  'node_scrape_collector_duration_seconds',
  'node_scrape_collector_success',
]);

describe.skipIf(binary === undefined)('fixture trees read by node_exporter 1.5 and by Outpost', () => {
  let running: RunningExporter | undefined;
  let exporter: Map<string, Family>;
  let outpost: Map<string, Family>;
  const logged: string[] = [];

  beforeAll(async () => {
    const sysPath = sysFixture();
    const procPath = fixtureTree(PROC_FIXTURE);
    const udevDataPath = fixtureTree(UDEV_FIXTURE);
    running = await startNodeExporter(binary as string, [
      '--collector.disable-defaults',
      ...COLLECTORS.map((c) => `--collector.${c}`),
      '--web.disable-exporter-metrics',
      `--path.sysfs=${sysPath}`,
      `--path.procfs=${procPath}`,
      `--path.udev.data=${udevDataPath}`,
    ]);
    const opts = { sysPath, procPath, udevDataPath };
    const collectors = [
      cpufreqCollector(opts),
      diskstatsCollector(opts),
      hwmonCollector(opts),
      pressureCollector(opts),
      thermalZoneCollector(opts),
    ];
    const [text, samples] = await Promise.all([running.scrape(), collectAll(collectors, 0, (l) => logged.push(l))]);
    exporter = parseExposition(text);
    for (const name of EXPORTER_SELF) exporter.delete(name);
    outpost = groupSamples(samples);
  });

  afterAll(async () => {
    await running?.stop();
    removeFixtures();
  });

  it('all five collectors produce data from the fixtures on both sides', () => {
    expect(logged).toEqual([]);
    for (const re of [/^node_cpu_frequency_/, /^node_disk_/, /^node_hwmon_/, /^node_pressure_/, /^node_thermal_zone_/]) {
      expect([...exporter.keys()].some((n) => re.test(n)), String(re)).toBe(true);
    }
  });

  it('emit the same families with the same TYPE and HELP', () => {
    expect([...outpost.keys()].sort()).toEqual([...exporter.keys()].sort());
    const diffs: string[] = [];
    for (const [name, f] of exporter) {
      const meta = hostMetricMeta(name);
      if (meta?.type !== f.type || meta?.help !== f.help) {
        diffs.push(`${name}: ${JSON.stringify(meta)} vs ${JSON.stringify({ type: f.type, help: f.help })}`);
      }
    }
    expect(diffs).toEqual([]);
  });

  it('emit the same series with exactly the same values', () => {
    expect(seriesDiff(outpost, exporter)).toEqual([]);
    const diffs: string[] = [];
    for (const [name, ours] of outpost) {
      for (const [key, s] of ours.series) {
        const other = exporter.get(name)?.series.get(key);
        if (other && !Object.is(other.v, s.v)) diffs.push(`${name}${key}: ${s.v} vs ${other.v}`);
      }
    }
    expect(diffs).toEqual([]);
  });
});
