import type { CollectedSample } from '../../protocol/batch.ts';
import { WIRE_LIMITS } from '../../protocol/codec.ts';
import { METRIC_NAME } from '../../protocol/labels.ts';
import type { MetricMetadata } from '../../protocol/metadata.ts';
import type { MetricMeta } from './collector.ts';
import type { MetricFamilyMeta } from './scrape/expfmt.ts';

/**
 * Entries for the families among `samples` that `describe` knows, one per name. For collectors whose samples are
 * named exactly as their families (host and self metrics: no OpenMetrics `_total` split).
 */
export function metadataOf(samples: readonly CollectedSample[], describe: (name: string) => MetricMeta | undefined): MetricMetadata[] {
  const names = new Set<string>();
  for (const s of samples) names.add(s.labels[METRIC_NAME] as string);
  const out: MetricMetadata[] = [];
  for (const name of names) {
    const meta = describe(name);
    if (meta) out.push({ name, type: meta.type, help: meta.help, unit: '' });
  }
  return out;
}

/**
 * What a scrape's HELP/TYPE/UNIT lines say, as Prometheus' scrape cache records it: only families with such a
 * line, `untyped` as `unknown`, missing help and unit as "". Help and unit are clipped to the wire bounds, so one
 * exporter's essay of a HELP line cannot get a whole batch rejected.
 */
export function metadataFromExposition(families: ReadonlyMap<string, MetricFamilyMeta>): MetricMetadata[] {
  const out: MetricMetadata[] = [];
  for (const f of families.values()) {
    const unit = f.unit ?? '';
    out.push({
      name: f.name,
      type: f.type === 'untyped' ? 'unknown' : f.type,
      help: clip(f.help ?? '', WIRE_LIMITS.maxHelpLength),
      // A unit is a suffix of the family name, so only a name near the name bound can exceed this: drop it then.
      unit: unit.length > WIRE_LIMITS.maxUnitLength ? '' : unit,
    });
  }
  return out;
}

/** At most `max` UTF-16 units, never cutting a surrogate pair in half: a lone surrogate is not the UTF-8 CBOR text needs. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}
