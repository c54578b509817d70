import { openTsdbStore } from '../aggregator/store/tsdb-store.ts';
import { datasetBatches, generateDataset } from './dataset.ts';

/**
 * Child process of the storage benchmark: generates the dataset and appends it to an Outpost store through the
 * Storage interface the ingest path uses, in agent-sized batches; prints {samples, ms} as JSON. Run under
 * /usr/bin/time so its peak RSS is measured like promtool's.
 */
const [dir, hosts, start, points] = process.argv.slice(2);
const data = generateDataset({ hosts: Number(hosts), start: Number(start), stepMs: 15_000, points: Number(points) });
const batches = [...datasetBatches(data, 'bench', 10_000)];
const store = await openTsdbStore(dir as string);
const t0 = performance.now();
let samples = 0;
for (const batch of batches) {
  await store.appendBatch(batch);
  samples += batch.samples.length;
}
await store.close();
process.stdout.write(JSON.stringify({ samples, ms: performance.now() - t0 }) + '\n');
