import { existsSync } from 'node:fs';
import { measureAgentFootprint, type Summary } from './agent-footprint.ts';
import { measureBacklogDrain } from './backlog-drain.ts';
import { drainReport } from './backlog-drain-report.ts';
import { measureInstallFootprint } from './install-footprint.ts';
import { installReport } from './install-footprint-report.ts';
import { measureQueries } from './query-latency.ts';
import { machine, writeSection } from './report.ts';
import { tempDir } from '../test/helpers/tmp.ts';

/**
 * `npm run bench`: runs every benchmark side by side with the Prometheus tool it replaces, and rewrites its section
 * of BENCHMARKS.md with the figures, the command and the machine.
 * BENCH_ONLY=footprint,query,drain picks benchmarks; BENCH_SECONDS sets the footprint window, BENCH_HOSTS the data size
 * of the query benchmark, BENCH_DRAIN_HOSTS and BENCH_DRAIN_HOURS the backlog of the drain benchmark.
 * BENCH_ONLY=install measures the agent tarball (size, cold start, steady RSS; BENCH_INSTALL_SECONDS, default 120).
 */
const seconds = Number(process.env.BENCH_SECONDS ?? 180);
const hosts = Number(process.env.BENCH_HOSTS ?? 26);
const only = new Set((process.env.BENCH_ONLY ?? 'footprint,query').split(','));
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

for (const bin of ['/usr/bin/prometheus', '/usr/bin/promtool', '/usr/bin/prometheus-node-exporter']) {
  if (!existsSync(bin)) {
    log(`${bin} is missing: apt-get install -y prometheus prometheus-node-exporter`);
    process.exit(1);
  }
}

if (only.has('footprint')) {
  log(`agent footprint: ${seconds} s measured after 30 s warm-up`);
  const r = await measureAgentFootprint(seconds, 30, log);
  const cpuPct = (s: Summary) => `${((s.cpuSecondsPerMinute / 60) * 100).toFixed(2)}%`;
  const row = (name: string, s: Summary) => `| ${name} | ${s.rssMeanMB.toFixed(1)} | ${s.rssMaxMB.toFixed(1)} | ${s.cpuSecondsPerMinute.toFixed(3)} | ${cpuPct(s)} |`;
  writeSection('## Agent footprint (issue 3)', [
    `Command: \`BENCH_ONLY=footprint BENCH_SECONDS=${seconds} npm run bench\` — ${machine()}.`,
    '',
    'Both sides collect every 5 s at the same time: Outpost\'s agent (host collectors + scraping a local node_exporter,',
    'sending to an Outpost aggregator) and the pair it replaces (Debian\'s prometheus-node-exporter 1.5 + Prometheus 2.42',
    'in agent mode scraping it and remote-writing to a receiver). Receivers are not measured. RSS is sampled every',
    'second for each process and its children; CPU is user + system time from /proc over the window.',
    '',
    '| process | RSS mean (MB) | RSS max (MB) | CPU s / min | share of one core |',
    '|---|---|---|---|---|',
    row('Outpost agent', r.outpost),
    row('node_exporter + Prometheus agent', r.pair),
    row('— node_exporter', r.pairParts.nodeExporter),
    row('— Prometheus agent', r.pairParts.prometheusAgent),
    row('(floor: idle Node.js with lmdb + mqtt loaded)', r.nodeFloor),
    '',
    `Ratios (Outpost / pair): RSS ${(r.outpost.rssMeanMB / r.pair.rssMeanMB).toFixed(2)}, CPU ${(r.outpost.cpuSecondsPerMinute / r.pair.cpuSecondsPerMinute).toFixed(2)}.`,
    `Targets from issue 3: ≤ 40 MB RSS and ≤ 0.5% of one core. The floor row shows how much of the agent's RSS`,
    'Node.js itself takes before Outpost runs any code; the rest includes tsx compiling the TypeScript sources in',
    'the process at start-up; the precompiled agent tarball needs less ("Agent tarball" below).',
  ].join('\n'));
}

if (only.has('query')) {
  const dir = tempDir('bench-query');
  try {
    const r = await measureQueries(dir.path, hosts, 5, log);
    const rows = r.timings.map(
      (t) => `| \`${t.query}\` | ${t.outpostMs.toFixed(0)} | ${t.prometheusMs.toFixed(0)} | ${(t.outpostMs / t.prometheusMs).toFixed(2)} |`,
    );
    writeSection('## PromQL range queries (issue 6)', [
      `Command: \`BENCH_ONLY=query BENCH_HOSTS=${hosts} npm run bench\` — ${machine()}.`,
      '',
      `Data: ${r.series.toLocaleString('en')} node-like series × 24 h × 15 s = ${r.samples.toLocaleString('en')} samples (bench/dataset.ts),`,
      'loaded into Prometheus 2.42 with `promtool tsdb create-blocks-from openmetrics` and into the Outpost aggregator\'s',
      'store. Each query runs over 24 h at a 60 s step, once to warm up and then 5 times against each server in',
      'turn; the table shows the median wall time of the HTTP request.',
      '',
      '| query | Outpost (ms) | Prometheus (ms) | ratio |',
      '|---|---|---|---|',
      ...rows,
      '',
      `Peak RSS (VmHWM, which counts the data files' pages mapped in while reading, on both sides): Outpost aggregator ${r.outpostPeakRssMB.toFixed(0)} MB, Prometheus ${r.prometheusPeakRssMB.toFixed(0)} MB. Target: ratio ≤ 1.0 for each query.`,
      '',
      'How Outpost gets there: storage decodes each selected series into two typed arrays (times, values) without',
      'an object per sample; a range query computes a range function of a selector (`rate(x[5m])`) for all steps at',
      'once, series by series, with two cursors sliding over the arrays, and folds `sum`/`avg`/`count`/… straight',
      'over that table (promql/eval/step-table.ts). Counter resets are prefix-counted per series, so a window without',
      'one costs the same whatever its length.',
    ].join('\n'));
    const st = r.storage;
    const perSample = (bytes: number) => (bytes / r.samples).toFixed(2);
    writeSection('## Storage (issue 5)', [
      `Command: \`BENCH_ONLY=query BENCH_HOSTS=${hosts} npm run bench\` (one run with the query benchmark) — ${machine()}.`,
      '',
      `The same ${r.samples.toLocaleString('en')} samples (${r.series.toLocaleString('en')} node-like series × 24 h × 15 s: float counters with decimal`,
      'noise, integer gauges, temperatures, histogram buckets). Prometheus 2.42: `promtool tsdb create-blocks-from',
      'openmetrics` (its time includes parsing the OpenMetrics text). Outpost: a child process appends the samples',
      'in batches of 10,000 through `Storage.appendBatch`, each durable (WAL flushed) before the next; its time is the',
      'append loop only. Peak RSS of each loading process from GNU time (Outpost\'s includes the generated dataset',
      'held in memory).',
      '',
      '| | Outpost | Prometheus 2.42 | ratio |',
      '|---|---|---|---|',
      `| ingest (samples/s) | ${Math.round(r.samples / (st.outpost.ms / 1000)).toLocaleString('en')} | ${Math.round(r.samples / (st.prometheus.ms / 1000)).toLocaleString('en')} | ${(st.prometheus.ms / st.outpost.ms).toFixed(2)} |`,
      `| bytes per sample, file size on disk | ${perSample(st.outpost.diskBytes)} | ${perSample(st.prometheus.diskBytes)} | ${(st.outpost.diskBytes / st.prometheus.diskBytes).toFixed(2)} |`,
      `| bytes per sample in use (Outpost: LMDB pages in use) | ${perSample(st.outpost.usedBytes)} | ${perSample(st.prometheus.diskBytes)} | ${(st.outpost.usedBytes / st.prometheus.diskBytes).toFixed(2)} |`,
      `| bytes per sample of chunks only | ${st.outpost.chunkBytesPerSample.toFixed(2)} | ${perSample(st.prometheus.chunkBytes)} | ${(st.outpost.chunkBytesPerSample / (st.prometheus.chunkBytes / r.samples)).toFixed(2)} |`,
      `| peak RSS while loading (MB) | ${st.outpost.peakRssMB.toFixed(0)} | ${st.prometheus.peakRssMB.toFixed(0)} | ${(st.outpost.peakRssMB / st.prometheus.peakRssMB).toFixed(2)} |`,
      '',
      'Outpost\'s LMDB file keeps the pages its write-ahead log used during the load for reuse (LMDB files never',
      'shrink), so its file size overstates what the data takes; "in use" counts the B-tree pages holding data.',
      'Targets (issue 5): ingest ≥ 1M samples/s on one core; bytes per sample below Prometheus on the same data.',
    ].join('\n'));
  } finally {
    dir.remove();
  }
}

if (only.has('drain')) {
  const drainHosts = Number(process.env.BENCH_DRAIN_HOSTS ?? 13);
  const drainHours = Number(process.env.BENCH_DRAIN_HOURS ?? 24);
  const dir = tempDir('bench-drain');
  try {
    const r = await measureBacklogDrain(dir.path, { hosts: drainHosts, hours: drainHours, timeoutMs: 60 * 60_000 }, log);
    const command = `BENCH_ONLY=drain BENCH_DRAIN_HOSTS=${drainHosts} BENCH_DRAIN_HOURS=${drainHours} npm run bench`;
    writeSection('## Store-and-forward drain (issue 4)', drainReport(r, command, machine()));
  } finally {
    dir.remove();
  }
}

if (only.has('install')) {
  const installSeconds = Number(process.env.BENCH_INSTALL_SECONDS ?? 120);
  const r = await measureInstallFootprint(5, installSeconds, log);
  writeSection('## Agent tarball: size, cold start, RSS (issue 9)', installReport(r, `BENCH_ONLY=install BENCH_INSTALL_SECONDS=${installSeconds} npm run bench`, machine()));
}
