// `npx tsx bench/tsdb-store.ts`: the TSDB store alone, in this process: ingest rate for agent-shaped batches (one
// sample per series per batch) and large ones, bytes per sample on disk, a select over every series for 24 h, and
// the time to open again. BENCH_HOSTS sets the size (39 series per host, 24 h at 15 s).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTsdbStore } from '../aggregator/store/tsdb-store.ts';
import type { Batch } from '../protocol/batch.ts';
import { makeMatcher } from '../promql/matcher.ts';
import { datasetBatches, generateDataset, sampleCount } from './dataset.ts';

const hosts = Number(process.env.BENCH_HOSTS ?? 26);
const points = 5760;
const step = 15_000;
const start = Math.floor(Date.now() / step) * step - points * step;
const data = generateDataset({ hosts, start, stepMs: step, points });
const total = sampleCount(data);
const out = (line: string) => process.stdout.write(`${line}\n`);
out(`${data.series.length} series × ${points} points (24 h at 15 s): ${total.toLocaleString('en')} samples`);

async function ingest(label: string, batches: readonly Batch[], inFlight: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-tsdb-'));
  try {
    const store = await openTsdbStore(join(dir, 'store'));
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const pending: Promise<unknown>[] = [];
    for (const b of batches) {
      pending.push(store.appendBatch(b));
      if (pending.length >= inFlight) await pending.shift();
    }
    await Promise.all(pending);
    const ms = performance.now() - t0;
    const used = process.cpuUsage(cpu);
    out(`${label}: ${((total / ms) * 1000 / 1e6).toFixed(2)} M samples/s (${ms.toFixed(0)} ms wall, ${((used.user + used.system) / 1000).toFixed(0)} ms CPU), RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
    await store.maintain();
    const status = store.status(1);
    out(`  after maintenance: ${status.bytesPerSample.toFixed(2)} B/sample in the chunks database, ${(status.bytes / 1e6).toFixed(1)} MB in use`);
    const t1 = performance.now();
    let n = 0;
    for (const s of store.select([makeMatcher('=~', '__name__', '.+')], start - 1, start + points * step)) n += s.ts.length;
    out(`  select of every series over 24 h: ${n.toLocaleString('en')} samples in ${(performance.now() - t1).toFixed(0)} ms`);
    await store.close();
    const t2 = performance.now();
    await (await openTsdbStore(join(dir, 'store'))).close();
    out(`  open after a clean close: ${(performance.now() - t2).toFixed(0)} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Built first, so that generating and encoding batches is not measured.
await ingest('agent-shaped batches (one sample per series)', [...datasetBatches(data, 'bench', data.series.length)], 8);
await ingest('large batches (100,000 samples)', [...datasetBatches(data, 'bench', 100_000)], 2);
