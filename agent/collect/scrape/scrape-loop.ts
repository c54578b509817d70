import type { CollectedSample } from '../../../protocol/batch.ts';
import { labelsKey, METRIC_NAME, type Labels } from '../../../protocol/labels.ts';
import type { MetricMetadata } from '../../../protocol/metadata.ts';
import { metadataFromExposition } from '../metadata.ts';
import { formatFromContentType, parseExposition, type ParsedSample } from './expfmt.ts';
import type { Fetcher } from './fetch.ts';
import { relabel } from './relabel.ts';
import type { ScrapeConfig } from './scrape-config.ts';
import type { Target } from './targets.ts';

export interface ScrapeOutcome {
  readonly samples: CollectedSample[];
  /** The target's HELP/TYPE/UNIT lines; recorded even when a limit fails the scrape later, as Prometheus does. */
  readonly metadata: MetricMetadata[];
  /** Why the scrape failed (up = 0), or undefined. */
  readonly error?: string;
}

/** Scrapes one target again and again, remembering what it saw so vanished series get staleness markers. */
export interface ScrapeLoop {
  readonly target: Target;
  scrape(now: number): Promise<ScrapeOutcome>;
  /** Staleness markers for everything the last scrape produced, for when the target goes away. */
  staleAll(now: number): CollectedSample[];
}

type Limits = Pick<ScrapeConfig, 'sampleLimit' | 'labelLimit' | 'labelNameLengthLimit' | 'labelValueLengthLimit' | 'honorLabels' | 'honorTimestamps' | 'metricRelabelConfigs'>;

export function createScrapeLoop(target: Target, cfg: Limits, fetch: Fetcher, clock: () => number = Date.now): ScrapeLoop {
  // Series of the previous scrape (explicit-timestamp samples excluded, as in Prometheus) → their labels.
  let previous = new Map<string, Labels>();
  const report = (name: string, v: number, t: number): CollectedSample => ({ labels: { ...target.labels, [METRIC_NAME]: name }, v, t });

  function stale(keys: Iterable<string>, from: Map<string, Labels>, t: number): CollectedSample[] {
    const out: CollectedSample[] = [];
    for (const key of keys) out.push({ labels: from.get(key) as Labels, v: NaN, t, stale: true });
    return out;
  }

  return {
    target,
    async scrape(t) {
      let parsed: ParsedSample[] = [];
      let metadata: MetricMetadata[] = [];
      let error: string | undefined;
      try {
        const res = await fetch(target.url, target.timeoutMs);
        const exposition = parseExposition(res.body, formatFromContentType(res.contentType));
        parsed = exposition.samples;
        metadata = metadataFromExposition(exposition.metadata);
      } catch (err) {
        error = (err as Error).message;
      }
      const durationS = (clock() - t) / 1000;

      const kept: CollectedSample[] = [];
      const current = new Map<string, Labels>();
      if (error === undefined) {
        try {
          for (const s of parsed) {
            const labels = sampleLabels(s.labels, target.labels, cfg);
            if (!labels) continue;
            checkLabelLimits(labels, cfg);
            const explicit = cfg.honorTimestamps && s.timestampMs !== undefined;
            const key = labelsKey(labels);
            if (!explicit) {
              if (current.has(key)) continue; // a duplicate series in one scrape: Prometheus keeps the first
              current.set(key, labels);
            }
            kept.push({ labels, v: s.value, t: explicit ? (s.timestampMs as number) : t });
          }
          if (cfg.sampleLimit > 0 && kept.length > cfg.sampleLimit) {
            throw new Error(`sample limit exceeded (${kept.length} samples, limit ${cfg.sampleLimit})`);
          }
        } catch (err) {
          error = (err as Error).message;
        }
      }

      // A failed scrape ingests nothing from the target and ends every series it had, as Prometheus does.
      const ingested = error === undefined ? kept : [];
      const now = error === undefined ? current : new Map<string, Labels>();
      const vanished = [...previous.keys()].filter((k) => !now.has(k));
      const added = [...now.keys()].filter((k) => !previous.has(k)).length;
      const samples = [...ingested, ...stale(vanished, previous, t)];
      previous = now;
      samples.push(
        report('up', error === undefined ? 1 : 0, t),
        report('scrape_duration_seconds', durationS, t),
        report('scrape_samples_scraped', parsed.length, t),
        report('scrape_samples_post_metric_relabeling', error === undefined ? kept.length : 0, t),
        report('scrape_series_added', error === undefined ? added : 0, t),
      );
      return error === undefined ? { samples, metadata } : { samples, metadata, error };
    },
    staleAll(t) {
      const out = stale(previous.keys(), previous, t);
      for (const name of ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added']) {
        out.push({ ...report(name, NaN, t), stale: true });
      }
      previous = new Map();
      return out;
    },
  };
}

/**
 * Target labels onto a scraped sample (Prometheus' mutateSampleLabels): with honor_labels the exposition wins;
 * otherwise a clashing exposed label is kept as `exported_<name>`. Then metric_relabel_configs.
 */
function sampleLabels(exposed: Labels, targetLabels: Labels, cfg: Limits): Labels | undefined {
  const labels: Record<string, string> = { ...exposed };
  const clashes: [string, string][] = [];
  for (const [name, value] of Object.entries(targetLabels)) {
    const exposedValue = labels[name];
    if (cfg.honorLabels) {
      if (!exposedValue) labels[name] = value;
      continue;
    }
    if (exposedValue) clashes.push([name, exposedValue]);
    labels[name] = value;
  }
  // Shortest names first, each moved to the first free exported_… name, as Prometheus resolves clashes.
  clashes.sort((a, b) => a[0].length - b[0].length);
  for (const [name, value] of clashes) {
    let exported = `exported_${name}`;
    while (labels[exported]) exported = `exported_${exported}`;
    labels[exported] = value;
  }
  const out = cfg.metricRelabelConfigs.length > 0 ? relabel(labels, cfg.metricRelabelConfigs) : labels;
  if (!out) return undefined;
  const clean: Record<string, string> = {};
  for (const [name, value] of Object.entries(out)) if (value !== '') clean[name] = value;
  return clean;
}

function checkLabelLimits(labels: Labels, cfg: Limits) {
  const names = Object.keys(labels);
  if (cfg.labelLimit > 0 && names.length > cfg.labelLimit) {
    throw new Error(`label_limit exceeded (metric: ${labels[METRIC_NAME]}, number of labels: ${names.length}, limit: ${cfg.labelLimit})`);
  }
  for (const name of names) {
    if (cfg.labelNameLengthLimit > 0 && name.length > cfg.labelNameLengthLimit) {
      throw new Error(`label_name_length_limit exceeded (metric: ${labels[METRIC_NAME]}, label name: ${name}, limit: ${cfg.labelNameLengthLimit})`);
    }
    const value = labels[name] as string;
    if (cfg.labelValueLengthLimit > 0 && value.length > cfg.labelValueLengthLimit) {
      throw new Error(`label_value_length_limit exceeded (metric: ${labels[METRIC_NAME]}, label name: ${name}, limit: ${cfg.labelValueLengthLimit})`);
    }
  }
}
