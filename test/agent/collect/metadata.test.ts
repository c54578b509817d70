import { describe, expect, it } from 'vitest';
import { HOST_METRIC_META, hostMetricMeta } from '../../../agent/collect/host/index.ts';
import { metadataFromExposition, metadataOf } from '../../../agent/collect/metadata.ts';
import { parseExposition } from '../../../agent/collect/scrape/expfmt.ts';
import { createScrapeLoop } from '../../../agent/collect/scrape/scrape-loop.ts';
import type { Target } from '../../../agent/collect/scrape/targets.ts';
import { SELF_METRIC_META, selfMetrics } from '../../../agent/self-metrics.ts';
import type { CollectedSample } from '../../../protocol/batch.ts';
import { WIRE_LIMITS } from '../../../protocol/codec.ts';

const at = (name: string, labels: Record<string, string> = {}): CollectedSample => ({ labels: { __name__: name, ...labels }, v: 1, t: 0 });

describe('metadata of collected samples', () => {
  it('describes each family once, from the host collectors’ TYPE and HELP', () => {
    const samples = [at('node_load1'), at('node_cpu_seconds_total', { cpu: '0' }), at('node_cpu_seconds_total', { cpu: '1' })];
    expect(metadataOf(samples, hostMetricMeta)).toEqual([
      { name: 'node_load1', type: 'gauge', help: HOST_METRIC_META.node_load1?.help, unit: '' },
      { name: 'node_cpu_seconds_total', type: 'counter', help: HOST_METRIC_META.node_cpu_seconds_total?.help, unit: '' },
    ]);
  });

  it('leaves out families nobody describes', () => {
    expect(metadataOf([at('made_up_metric'), at('node_load5')], hostMetricMeta).map((m) => m.name)).toEqual(['node_load5']);
  });

  it('describes every self metric the agent sends', () => {
    const queue = { batches: 1, bytes: 2, created: 3, oldestQueuedAt: undefined, droppedBatches: { bytes: 0, age: 0 }, droppedSamples: { bytes: 0, age: 0 }, durable: true };
    const counters = { batchesSent: { live: 0, backlog: 0 }, bytesSent: { live: 0, backlog: 0 }, batchesAcked: 0, batchesDuplicate: 0, batchesRejected: 0, batchesRetried: 0, droppedDelivered: 0, connects: 0 };
    const samples = selfMetrics(queue, counters, true, 0);
    const described = metadataOf(samples, (name) => SELF_METRIC_META[name]);
    expect(described.map((m) => m.name)).toEqual([...new Set(samples.map((s) => s.labels.__name__))]);
    expect(described.find((m) => m.name === 'outpost_agent_batches_sent_total')?.type).toBe('counter');
    expect(described.find((m) => m.name === 'outpost_agent_queue_bytes')?.type).toBe('gauge');
    for (const m of described) expect(m.help).not.toBe('');
  });
});

describe('metadata of an exposition', () => {
  it('keys OpenMetrics families by their TYPE line name and keeps the unit', () => {
    const text = [
      '# TYPE http_requests counter',
      '# HELP http_requests Requests served.',
      'http_requests_total 5',
      '# TYPE request_seconds histogram',
      '# UNIT request_seconds seconds',
      'request_seconds_bucket{le="+Inf"} 1',
      'request_seconds_count 1',
      'request_seconds_sum 0.5',
      '# HELP bare Only help.',
      'bare 1',
      'undescribed 2',
      '# EOF',
      '',
    ].join('\n');
    expect(metadataFromExposition(parseExposition(text, 'openmetrics').metadata)).toEqual([
      { name: 'http_requests', type: 'counter', help: 'Requests served.', unit: '' },
      { name: 'request_seconds', type: 'histogram', help: '', unit: 'seconds' },
      { name: 'bare', type: 'unknown', help: 'Only help.', unit: '' },
    ]);
  });

  it('reads the text format’s untyped as unknown, as Prometheus does', () => {
    const text = '# HELP a_total Counts \\\\ things\\n.\n# TYPE a_total counter\na_total 1\n# TYPE u untyped\nu 1\n';
    expect(metadataFromExposition(parseExposition(text, 'prometheus').metadata)).toEqual([
      { name: 'a_total', type: 'counter', help: 'Counts \\ things\n.', unit: '' },
      { name: 'u', type: 'unknown', help: '', unit: '' },
    ]);
  });

  it('clips a help text to the wire bound without splitting a surrogate pair', () => {
    const max = WIRE_LIMITS.maxHelpLength;
    const long = `# HELP a ${'x'.repeat(max + 10)}\na 1\n`;
    expect(metadataFromExposition(parseExposition(long, 'prometheus').metadata)[0]?.help).toBe('x'.repeat(max));
    const emoji = `# HELP a ${'x'.repeat(max - 1)}🌡 more\na 1\n`;
    expect(metadataFromExposition(parseExposition(emoji, 'prometheus').metadata)[0]?.help).toBe('x'.repeat(max - 1));
  });
});

describe('scrape loop metadata', () => {
  const target: Target = { job: 'app', labels: { job: 'app', instance: 'h:9100' }, url: 'http://h:9100/metrics', intervalMs: 15_000, timeoutMs: 10_000, key: 'k' };
  const limits = { sampleLimit: 1, labelLimit: 0, labelNameLengthLimit: 0, labelValueLengthLimit: 0, honorLabels: false, honorTimestamps: true, metricRelabelConfigs: [] };

  it('hands over the target’s metadata, also when a limit fails the scrape, and none when the fetch fails', async () => {
    const bodies: (string | Error)[] = ['# HELP a The a.\n# TYPE a gauge\na 1\n', '# TYPE a gauge\na 1\nb 2\n', new Error('refused')];
    const loop = createScrapeLoop(target, limits, async () => {
      const body = bodies.shift() as string | Error;
      if (body instanceof Error) throw body;
      return { body, contentType: 'text/plain; version=0.0.4' };
    });
    expect((await loop.scrape(0)).metadata).toEqual([{ name: 'a', type: 'gauge', help: 'The a.', unit: '' }]);
    const limited = await loop.scrape(15_000);
    expect(limited.error).toMatch(/sample limit exceeded/);
    expect(limited.metadata).toEqual([{ name: 'a', type: 'gauge', help: '', unit: '' }]);
    const failed = await loop.scrape(30_000);
    expect(failed.error).toBe('refused');
    expect(failed.metadata).toEqual([]);
  });
});
