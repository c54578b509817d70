import type { Labels } from '../../protocol/labels.ts';

/**
 * A hash of a label set that does not depend on the order of its names: each label hashed on its own (FNV-1a,
 * then a murmur3 finaliser to spread the bits) and the results added. Computing it allocates nothing, which is
 * what makes resolving a batch's series cheap: a string key per series costs more than the rest of an append.
 */
export function labelsHash(labels: Labels): number {
  let sum = 0;
  for (const name in labels) {
    let h = 0x811c9dc5;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
    // A character no label name has, so name "ab" with value "c" and "a" with "bc" differ.
    h = Math.imul(h ^ 0xffff, 0x01000193);
    const value = labels[name] as string;
    for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    sum = (sum + h) | 0;
  }
  return sum;
}

export function sameLabels(a: Labels, b: Labels): boolean {
  let n = 0;
  for (const name in a) {
    if (a[name] !== b[name]) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

/** Finds a series by its label set: a hash map whose rare collisions are settled by comparing label sets. */
export class SeriesLookup<S extends { readonly labels: Labels }> {
  private readonly byHash = new Map<number, S | S[]>();

  get(labels: Labels): S | undefined {
    const found = this.byHash.get(labelsHash(labels));
    if (found === undefined) return undefined;
    if (!Array.isArray(found)) return sameLabels(found.labels, labels) ? found : undefined;
    return found.find((s) => sameLabels(s.labels, labels));
  }

  add(s: S): void {
    const h = labelsHash(s.labels);
    const found = this.byHash.get(h);
    if (found === undefined) this.byHash.set(h, s);
    else if (Array.isArray(found)) found.push(s);
    else this.byHash.set(h, [found, s]);
  }

  delete(s: S): void {
    const h = labelsHash(s.labels);
    const found = this.byHash.get(h);
    if (found === s) this.byHash.delete(h);
    else if (Array.isArray(found)) {
      const rest = found.filter((x) => x !== s);
      this.byHash.set(h, rest.length === 1 ? (rest[0] as S) : rest);
    }
  }
}
