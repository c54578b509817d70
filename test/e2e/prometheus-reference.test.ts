import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetBatches, generateDataset, writeOpenMetrics, type Dataset } from '../../bench/dataset.ts';
import { openTsdbStore } from '../../aggregator/store/tsdb-store.ts';
import { peer } from '../helpers/peers.ts';
import { startAggregatorProcess, stopAll } from '../helpers/process.ts';
import { createBlocks, startPrometheus, type RunningPrometheus } from '../helpers/prometheus.ts';
import { tempDir } from '../helpers/tmp.ts';
import { compareResponses, type ApiResponse } from './reference-compare.ts';
import { INSTANT_QUERIES, RANGE_QUERIES, VERSION_DIFFERENCES } from './reference-queries.ts';

/**
 * The same samples loaded into Prometheus 2.42 (promtool's backfill) and into Outpost, then every query of
 * reference-queries.ts asked of both through their HTTP APIs and compared result by result.
 *
 * Prometheus 3 made range selectors left-open where 2.42 still includes a sample exactly at t - range. To keep
 * that change out of the way, samples sit 3 s past whole seconds of a 15 s grid and queries are asked 7 s past
 * the grid, so neither a query's own steps nor a subquery's (whole multiples of its step) ever hit a sample.
 */
const prometheusBinary = peer('prometheus', 'prometheus');
const promtool = peer('promtool', 'prometheus');

const STEP = 15_000;
const POINTS = 480; // two hours

/** Generates the data and loads it into a Prometheus (promtool backfill) and an Outpost aggregator, both started. */
async function loadBoth(dir: string): Promise<{ data: Dataset; prometheus: RunningPrometheus; outpost: string }> {
  const start = Math.floor((Date.now() - 3 * 3600_000) / 3600_000) * 3600_000 + 3_000;
  const data = generateDataset({ hosts: 3, start, stepMs: STEP, points: POINTS });

  const file = join(dir, 'data.om');
  await writeOpenMetrics(data, file);
  createBlocks(promtool as string, file, join(dir, 'prometheus', 'data'));
  const prometheus = await startPrometheus({ binary: prometheusBinary as string, dir: join(dir, 'prometheus') });

  const store = await openTsdbStore(join(dir, 'outpost', 'store'));
  for (const batch of datasetBatches(data, 'reference', 5_000)) await store.appendBatch(batch);
  await store.close();
  const { api } = await startAggregatorProcess(join(dir, 'outpost'));
  return { data, prometheus, outpost: api };
}

describe.skipIf(!prometheusBinary || !promtool)('Outpost against Prometheus 2.42 on identical data', () => {
  const dir = tempDir('reference');
  let data: Dataset;
  let prometheus: RunningPrometheus;
  let outpost: string;

  beforeAll(async () => {
    ({ data, prometheus, outpost } = await loadBoth(dir.path));
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    await stopAll();
    dir.remove();
  });

  const ask = async (base: string, path: string, params: Record<string, string>): Promise<ApiResponse> => {
    const res = await fetch(`${base}${path}`, { method: 'POST', body: new URLSearchParams(params) });
    return { httpStatus: res.status, ...((await res.json()) as Omit<ApiResponse, 'httpStatus'>) };
  };

  /**
   * Asks both servers every query and returns the differences, one line each. Also checks that the comparison is
   * not vacuous: most queries must have answered with data.
   */
  async function differences(path: string, queries: readonly string[], params: (q: string) => Record<string, string>) {
    const found: string[] = [];
    let withData = 0;
    for (const query of queries) {
      const [want, got] = await Promise.all([ask(prometheus.url, path, params(query)), ask(outpost, path, params(query))]);
      const diff = compareResponses(query, want, got);
      if (diff) found.push(`${query}: ${diff}`);
      const result = want.data?.result;
      if (want.status === 'success' && (!Array.isArray(result) || result.length > 0)) withData++;
    }
    expect(withData / queries.length).toBeGreaterThan(0.85);
    return found;
  }

  const offGrid = (ms: number) => String((ms + 4_000) / 1000);

  it('agrees on instant queries at three times: mid-data, inside the gap of up, and at the newest sample', async () => {
    const end = data.start + (POINTS - 1) * STEP;
    const times = [data.start + 70 * 60_000, data.start + Math.floor(POINTS * 0.4 + 10) * STEP, end];
    const found: string[] = [];
    for (const t of times) {
      found.push(...(await differences('/api/v1/query', INSTANT_QUERIES, (query) => ({ query, time: offGrid(t) }))));
    }
    expect(found).toEqual([]);
  }, 120_000);

  it('agrees on range queries over the whole data at a one-minute step', async () => {
    const params = (query: string) => ({
      query,
      start: offGrid(data.start + 30 * 60_000),
      end: offGrid(data.start + (POINTS + 20) * STEP),
      step: '60',
    });
    expect(await differences('/api/v1/query_range', RANGE_QUERIES, params)).toEqual([]);
  }, 120_000);

  it.each(VERSION_DIFFERENCES)('differs where Prometheus 3 changed 2.42: $query ($why)', async ({ query, onGrid }) => {
    const t = data.start + 100 * STEP;
    const params = { query, time: onGrid ? String(t / 1000) : offGrid(t) };
    const [want, got] = await Promise.all([ask(prometheus.url, '/api/v1/query', params), ask(outpost, '/api/v1/query', params)]);
    expect(compareResponses(query, want, got)).toBeDefined();
  });

  // The same servers and data: promtool as a client must not tell them apart.
  describe('promtool query against Outpost prints what it prints against Prometheus', () => {
    /** The same promtool command against both servers: exit 0 and identical output, which must not be empty. */
    function same(args: (server: string) => string[]) {
      const run = (server: string) => {
        const res = spawnSync(promtool as string, args(server), { encoding: 'utf8' });
        return { status: res.status, stdout: res.stdout, stderr: res.stderr };
      };
      const [want, got] = [run(prometheus.url), run(outpost)];
      expect(want.status, want.stderr).toBe(0);
      expect(got).toEqual(want);
      expect(got.stdout.trim()).not.toBe('');
    }

    const at = () => String((data.start + 300 * STEP + 4_000) / 1000);

    it('query instant', () => {
      same((url) => ['query', 'instant', `--time=${at()}`, url, 'rate(node_cpu_seconds_total{mode="idle"}[5m]) * 100']);
    });

    it('query range', () => {
      const end = data.start + 300 * STEP;
      same((url) => ['query', 'range', `--start=${(end - 600_000) / 1000}`, `--end=${end / 1000}`, '--step=1m', url, 'node_load1']);
    });

    it('query series', () => {
      same((url) => ['query', 'series', '--match=node_hwmon_temp_celsius{sensor="temp2"}', '--match=up', url]);
    });

    it('query labels', () => {
      same((url) => ['query', 'labels', url, 'mode']);
      same((url) => ['query', 'labels', '--match=node_filesystem_avail_bytes', url, 'mountpoint']);
    });
  });
});
