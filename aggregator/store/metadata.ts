import { open, type RootDatabase } from 'lmdb';
import type { FamilyMetadata, MetricMetadata } from '../../protocol/metadata.ts';

/** What the metadata API reads. */
export interface MetadataReader {
  /** Family names with at least one entry, sorted. */
  names(): string[];
  /** The distinct entries of one family, first seen first; empty when the family is unknown. */
  entries(name: string): readonly FamilyMetadata[];
}

export interface MetadataStore extends MetadataReader {
  /**
   * Keeps the entries not seen before and resolves once they are on disk. Resolves with how many new entries the
   * bounds turned away (families beyond maxFamilies).
   */
  record(entries: readonly MetricMetadata[]): Promise<number>;
  close(): Promise<void>;
}

export interface MetadataLimits {
  /** New families beyond this are not kept (and counted), as the series index is bounded. */
  readonly maxFamilies: number;
  /**
   * Distinct descriptions kept per family: targets running different exporter versions differ, but a help text
   * that changes every scrape must not grow without end. The oldest goes first; the newest is the current one.
   */
  readonly maxEntriesPerFamily: number;
}

export const DEFAULT_METADATA_LIMITS: MetadataLimits = { maxFamilies: 100_000, maxEntriesPerFamily: 10 };

/**
 * Metric metadata as agents reported it: per family name, the distinct {type, help, unit} entries, as Prometheus
 * keeps one per target and its API lists the distinct ones. Held in memory and in its own LMDB environment (key:
 * family name, value: its entries), apart from the samples' storage. Entries are not expired: a Prometheus forgets
 * a target's metadata with the target, but the aggregator cannot tell a gone exporter from a silent one.
 */
export async function openMetadataStore(path: string, limits: MetadataLimits = DEFAULT_METADATA_LIMITS): Promise<MetadataStore> {
  const db: RootDatabase<FamilyMetadata[], string> = open({ path });
  const families = new Map<string, FamilyMetadata[]>();
  for (const { key, value } of db.getRange()) families.set(key, value);

  const same = (a: FamilyMetadata, b: FamilyMetadata) => a.type === b.type && a.help === b.help && a.unit === b.unit;

  return {
    names: () => [...families.keys()].sort(),
    entries: (name) => families.get(name) ?? [],

    async record(entries) {
      // Each changed family's entries before this call, to undo the memory if the write fails.
      const before = new Map<string, FamilyMetadata[] | undefined>();
      let refused = 0;
      for (const { name, type, help, unit } of entries) {
        const known = families.get(name);
        if (known === undefined && families.size >= limits.maxFamilies) {
          refused++;
          continue;
        }
        const list = known ?? [];
        const entry: FamilyMetadata = { type, help, unit };
        if (list.some((e) => same(e, entry))) continue;
        // A new array, never an in-place edit: a reader may be iterating the old one.
        if (!before.has(name)) before.set(name, known);
        families.set(name, [...list, entry].slice(-limits.maxEntriesPerFamily));
      }
      try {
        await Promise.all([...before.keys()].map((name) => db.put(name, families.get(name) as FamilyMetadata[])));
      } catch (err) {
        // Otherwise memory would claim entries the disk lacks, and their resends would never write them.
        for (const [name, list] of before) {
          if (list === undefined) families.delete(name);
          else families.set(name, list);
        }
        throw err;
      }
      return refused;
    },

    async close() {
      await db.close();
    },
  };
}

/** A reader that knows no metadata, for an HTTP API wired without a metadata store. */
export const NO_METADATA: MetadataReader = { names: () => [], entries: () => [] };
