import { describe, expect, it } from 'vitest';
import type { Fetcher } from '../../../agent/collect/scrape/fetch.ts';
import { parseRelabelRules } from '../../../agent/collect/scrape/relabel.ts';
import { createScrapeLoop } from '../../../agent/collect/scrape/scrape-loop.ts';
import type { Target } from '../../../agent/collect/scrape/targets.ts';
import type { CollectedSample } from '../../../protocol/batch.ts';

const target: Target = { job: 'app', labels: { job: 'app', instance: 'h:9100' }, url: 'http://h:9100/metrics', intervalMs: 15_000, timeoutMs: 10_000, key: 'k' };
const limits = { sampleLimit: 0, labelLimit: 0, labelNameLengthLimit: 0, labelValueLengthLimit: 0, honorLabels: false, honorTimestamps: true, metricRelabelConfigs: [] };

/** A fetcher that serves the given bodies in turn; an Error body fails that scrape. */
function serving(...bodies: (string | Error)[]): Fetcher {
  let i = 0;
  return async () => {
    const body = bodies[Math.min(i++, bodies.length - 1)] as string | Error;
    if (body instanceof Error) throw body;
    return { body, contentType: 'text/plain; version=0.0.4' };
  };
}

const byName = (samples: CollectedSample[], name: string) => samples.filter((s) => s.labels.__name__ === name);
const value = (samples: CollectedSample[], name: string) => byName(samples, name)[0]?.v;

describe('scrape loop', () => {
  it('adds target labels and the synthetic series', async () => {
    const loop = createScrapeLoop(target, limits, serving('# TYPE a counter\na_total{x="1"} 5\nb 2\n'));
    const { samples, error } = await loop.scrape(1000);
    expect(error).toBeUndefined();
    expect(byName(samples, 'a_total')).toEqual([{ labels: { __name__: 'a_total', x: '1', job: 'app', instance: 'h:9100' }, v: 5, t: 1000 }]);
    expect(value(samples, 'up')).toBe(1);
    expect(value(samples, 'scrape_samples_scraped')).toBe(2);
    expect(value(samples, 'scrape_samples_post_metric_relabeling')).toBe(2);
    expect(value(samples, 'scrape_series_added')).toBe(2);
    expect(byName(samples, 'scrape_duration_seconds')[0]?.labels).toEqual({ __name__: 'scrape_duration_seconds', job: 'app', instance: 'h:9100' });
  });

  it('keeps clashing exposed labels as exported_*, unless honor_labels', async () => {
    const body = 'm{job="other",instance="x",exported_job="y"} 1\n';
    const plain = await createScrapeLoop(target, limits, serving(body)).scrape(0);
    expect(byName(plain.samples, 'm')[0]?.labels).toEqual({ __name__: 'm', job: 'app', instance: 'h:9100', exported_job: 'y', exported_exported_job: 'other', exported_instance: 'x' });
    const honored = await createScrapeLoop(target, { ...limits, honorLabels: true }, serving(body)).scrape(0);
    expect(byName(honored.samples, 'm')[0]?.labels).toEqual({ __name__: 'm', job: 'other', instance: 'x', exported_job: 'y' });
  });

  it('marks series that vanish as stale, and all of them when a scrape fails', async () => {
    const loop = createScrapeLoop(target, limits, serving('a 1\nb 2\n', 'a 3\n', new Error('connection refused')));
    await loop.scrape(1000);
    const second = await loop.scrape(2000);
    expect(byName(second.samples, 'b')).toEqual([{ labels: { __name__: 'b', job: 'app', instance: 'h:9100' }, v: NaN, t: 2000, stale: true }]);
    const third = await loop.scrape(3000);
    expect(third.error).toBe('connection refused');
    expect(value(third.samples, 'up')).toBe(0);
    expect(byName(third.samples, 'a')).toMatchObject([{ t: 3000, stale: true }]);
    expect(byName(third.samples, 'b')).toEqual([]);
  });

  it('ingests nothing from a malformed exposition and reports up = 0 with the line', async () => {
    const loop = createScrapeLoop(target, limits, serving('good 1\nbad{ 2\n'));
    const { samples, error } = await loop.scrape(0);
    expect(error).toMatch(/line 2/);
    expect(byName(samples, 'good')).toEqual([]);
    expect(value(samples, 'up')).toBe(0);
  });

  it('fails the whole scrape when sample_limit is exceeded', async () => {
    const loop = createScrapeLoop(target, { ...limits, sampleLimit: 2 }, serving('a 1\nb 1\nc 1\n'));
    const { samples, error } = await loop.scrape(0);
    expect(error).toMatch(/sample limit exceeded/);
    expect(samples.map((s) => s.labels.__name__).sort()).toEqual(['scrape_duration_seconds', 'scrape_samples_post_metric_relabeling', 'scrape_samples_scraped', 'scrape_series_added', 'up']);
    expect(value(samples, 'scrape_samples_scraped')).toBe(3);
  });

  it('fails the scrape when label_limit is exceeded', async () => {
    const loop = createScrapeLoop(target, { ...limits, labelLimit: 3 }, serving('a{x="1",y="2"} 1\n'));
    expect((await loop.scrape(0)).error).toMatch(/label_limit exceeded/);
  });

  it('honours exposed timestamps only when honor_timestamps, and never marks those series stale', async () => {
    const body = 'a 1 5000\n';
    const honored = createScrapeLoop(target, limits, serving(body, ''));
    expect(byName((await honored.scrape(9000)).samples, 'a')[0]?.t).toBe(5000);
    expect(byName((await honored.scrape(10_000)).samples, 'a')).toEqual([]);
    const ignored = createScrapeLoop(target, { ...limits, honorTimestamps: false }, serving(body));
    expect(byName((await ignored.scrape(9000)).samples, 'a')[0]?.t).toBe(9000);
  });

  it('applies metric_relabel_configs after the target labels', async () => {
    const rules = parseRelabelRules([{ source_labels: ['__name__'], regex: 'go_.*', action: 'drop' }], 'test');
    const loop = createScrapeLoop(target, { ...limits, metricRelabelConfigs: rules }, serving('go_goroutines 5\nkeep 1\n'));
    const { samples } = await loop.scrape(0);
    expect(byName(samples, 'go_goroutines')).toEqual([]);
    expect(value(samples, 'scrape_samples_post_metric_relabeling')).toBe(1);
  });

  it('emits staleness markers for everything when the target goes away', async () => {
    const loop = createScrapeLoop(target, limits, serving('a 1\n'));
    await loop.scrape(0);
    const gone = loop.staleAll(500);
    expect(gone.every((s) => s.stale && s.t === 500)).toBe(true);
    expect(gone.map((s) => s.labels.__name__)).toContain('a');
    expect(gone.map((s) => s.labels.__name__)).toContain('up');
  });
});
