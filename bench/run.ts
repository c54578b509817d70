import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { measureAgentFootprint, type Summary } from './agent-footprint.ts';

/**
 * `npm run bench`: runs every benchmark side by side with the Prometheus tool it replaces, and rewrites
 * BENCHMARKS.md with the figures, the command and the machine. BENCH_SECONDS sets the measuring window.
 */
const seconds = Number(process.env.BENCH_SECONDS ?? 180);
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

for (const bin of ['/usr/bin/prometheus', '/usr/bin/prometheus-node-exporter']) {
  if (!existsSync(bin)) {
    log(`${bin} is missing: apt-get install -y prometheus prometheus-node-exporter`);
    process.exit(1);
  }
}

log(`agent footprint: ${seconds} s measured after 30 s warm-up`);
const r = await measureAgentFootprint(seconds, 30, log);

const cpuPct = (s: Summary) => `${((s.cpuSecondsPerMinute / 60) * 100).toFixed(2)}%`;
const row = (name: string, s: Summary) => `| ${name} | ${s.rssMeanMB.toFixed(1)} | ${s.rssMaxMB.toFixed(1)} | ${s.cpuSecondsPerMinute.toFixed(3)} | ${cpuPct(s)} |`;
const version = readFileSync('/proc/version', 'utf8').split(' ').slice(0, 3).join(' ');
const section = [
  '## Agent footprint (issue 3)',
  '',
  `Command: \`BENCH_SECONDS=${seconds} npm run bench\` — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${version}, Node ${process.version}.`,
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
  'the process at start-up (a precompiled build is the next step for the agent tarball).',
  '',
].join('\n');

const file = new URL('../BENCHMARKS.md', import.meta.url);
const header = '# Benchmarks\n\nWritten by `npm run bench`; every figure is measured side by side with the Prometheus tool Outpost replaces, in one run.\n\n';
const old = existsSync(file) ? readFileSync(file, 'utf8') : header;
const marker = '## Agent footprint (issue 3)';
const before = old.includes(marker) ? old.slice(0, old.indexOf(marker)) : old.endsWith('\n') ? old : `${old}\n`;
const afterStart = old.includes(marker) ? old.indexOf('\n## ', old.indexOf(marker) + 1) : -1;
writeFileSync(file, `${before}${section}${afterStart >= 0 ? old.slice(afterStart + 1) : ''}`);
process.stdout.write(`${section}\n`);
