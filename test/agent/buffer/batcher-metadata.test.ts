import { describe, expect, it } from 'vitest';
import { createBatcher, DEFAULT_METADATA_REFRESH_MS, type BatcherOptions } from '../../../agent/buffer/batcher.ts';
import type { CollectedSample } from '../../../protocol/batch.ts';
import type { MetricMetadata } from '../../../protocol/metadata.ts';

const sample = (name: string, t: number): CollectedSample => ({ labels: { __name__: name }, v: 1, t });
const load: MetricMetadata = { name: 'node_load1', type: 'gauge', help: '1m load average.', unit: '' };
const cpu: MetricMetadata = { name: 'node_cpu_seconds_total', type: 'counter', help: 'Seconds the CPUs spent in each mode.', unit: '' };

interface Written {
  samples: number;
  metadata: MetricMetadata[];
}

/** A batcher on a hand-moved clock that records what each write got; `tick` adds one collection and cuts. */
function harness(opts: Partial<BatcherOptions> = {}) {
  let clock = 1_000_000;
  const batches: Written[] = [];
  const batcher = createBatcher({
    delayMs: 60_000, // never fires here: every test cuts with flush()
    maxSamples: 1_000,
    now: () => clock,
    write: async (samples, metadata) => void batches.push({ samples: samples.length, metadata }),
    onError: () => {},
    ...opts,
  });
  return {
    batches,
    batcher,
    advance: (ms: number) => (clock += ms),
    async tick(metadata: MetricMetadata[]) {
      batcher.add(metadata.map((m) => sample(m.name, clock)), metadata);
      await batcher.flush();
      return batches.at(-1)?.metadata.map((m) => m.help);
    },
  };
}

describe('batcher metadata', () => {
  it('sends each entry in the first batch after start, then not again within the refresh interval', async () => {
    const h = harness();
    expect(await h.tick([load, cpu])).toEqual([load.help, cpu.help]);
    for (let i = 0; i < 5; i++) {
      h.advance(15_000);
      expect(await h.tick([load, cpu])).toEqual([]);
    }
    expect(h.batches.map((b) => b.samples)).toEqual([2, 2, 2, 2, 2, 2]);
  });

  it('sends an entry again once the refresh interval has passed, and only then', async () => {
    const h = harness({ metadataRefreshMs: DEFAULT_METADATA_REFRESH_MS });
    await h.tick([load]);
    h.advance(DEFAULT_METADATA_REFRESH_MS - 1);
    expect(await h.tick([load])).toEqual([]);
    h.advance(1);
    expect(await h.tick([load])).toEqual([load.help]);
    h.advance(DEFAULT_METADATA_REFRESH_MS - 1);
    expect(await h.tick([load])).toEqual([]);
  });

  it('sends a changed entry at once, and a family new since the last batch', async () => {
    const h = harness();
    await h.tick([load]);
    h.advance(15_000);
    const reworded = { ...load, help: 'Load average over one minute.' };
    expect(await h.tick([reworded, cpu])).toEqual([reworded.help, cpu.help]);
    h.advance(15_000);
    expect(await h.tick([reworded, cpu])).toEqual([]);
    h.advance(15_000);
    expect(await h.tick([{ ...cpu, type: 'gauge' }])).toEqual([cpu.help]);
    expect(h.batches.at(-1)?.metadata[0]?.type).toBe('gauge');
  });

  it('sends one family described differently by two sources once each, and a repeat within a batch once', async () => {
    const h = harness();
    const other = { ...load, help: 'Another exporter’s words.' };
    h.batcher.add([sample('node_load1', 0)], [load]);
    h.batcher.add([sample('node_load1', 0)], [other, load]);
    await h.batcher.flush();
    expect(h.batches).toEqual([{ samples: 2, metadata: [load, other] }]);
  });

  it('lets the next batch carry entries whose batch could not be queued', async () => {
    let fail = true;
    const written: MetricMetadata[][] = [];
    const failures: number[] = [];
    const b = createBatcher({
      delayMs: 60_000,
      maxSamples: 100,
      now: () => 5_000,
      write: async (_samples, metadata) => {
        if (fail) throw new Error('disk full');
        written.push(metadata);
      },
      onError: (_err, n) => failures.push(n),
    });
    b.add([sample('node_load1', 0)], [load]);
    await b.flush();
    fail = false;
    b.add([sample('node_load1', 0)], [load]);
    await b.flush();
    b.add([sample('node_load1', 0)], [load]);
    await b.flush();
    expect(failures).toEqual([1]);
    expect(written).toEqual([[load], []]);
  });

  it('cuts a batch at maxMetadata entries and writes a batch of metadata alone', async () => {
    const h = harness({ maxMetadata: 2 });
    const families = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name, type: 'gauge' as const, help: name, unit: '' }));
    h.batcher.add([], families);
    await h.batcher.flush();
    expect(h.batches.map((b) => [b.samples, b.metadata.map((m) => m.name)])).toEqual([
      [0, ['a', 'b']],
      [0, ['c', 'd']],
      [0, ['e']],
    ]);
  });

  it('writes after the delay when only metadata is pending', async () => {
    const written: MetricMetadata[][] = [];
    const b = createBatcher({ delayMs: 5, maxSamples: 10, write: async (_s, m) => void written.push(m), onError: () => {} });
    b.add([], [load]);
    await new Promise((r) => setTimeout(r, 40));
    expect(written).toEqual([[load]]);
  });
});
