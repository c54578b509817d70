// Prometheus relabeling (relabel_configs and metric_relabel_configs), as model/relabel/relabel.go applies it.

import { createHash } from 'node:crypto';
import type { Labels } from '../../../protocol/labels.ts';
import { LABEL_NAME, type RelabelRule } from './relabel-config.ts';
import { expandTemplate } from './relabel-regex.ts';

export { parseRelabelRule, parseRelabelRules, RelabelConfigError } from './relabel-config.ts';
export type { RelabelAction, RelabelRule } from './relabel-config.ts';

/**
 * Applies rules in order; returns the new label set (names sorted), or undefined when the series or target is
 * dropped. Labels with empty values are removed at the end: Prometheus treats them as absent.
 */
export function relabel(labels: Labels, rules: readonly RelabelRule[]): Labels | undefined {
  const b = new LabelBuilder(labels);
  for (const rule of rules) if (!apply(rule, b)) return undefined;
  return b.labels();
}

/**
 * Prometheus' labels.Builder, kept to this level of detail because labelmap's outcome depends on it: when two
 * names map to the same target, the later one visited wins, and the builder visits untouched original labels
 * (sorted) before the ones set by earlier rules (in the order they were first set). Setting "" deletes.
 */
class LabelBuilder {
  private readonly base: [string, string][];
  private readonly baseMap: Map<string, string>;
  private readonly add = new Map<string, string>();
  private readonly del = new Set<string>();

  constructor(labels: Labels) {
    this.base = Object.keys(labels).sort().map((n) => [n, labels[n] as string]);
    this.baseMap = new Map(this.base);
    // As Go's Builder.Reset: an empty value is an absent label, so labelmap/labeldrop never visit it.
    for (const [n, v] of this.base) if (v === '') this.del.add(n);
  }

  get(name: string): string {
    const added = this.add.get(name);
    if (added !== undefined) return added;
    return this.del.has(name) ? '' : this.baseMap.get(name) ?? '';
  }

  set(name: string, value: string): void {
    if (value === '') this.delete(name);
    else this.add.set(name, value); // an existing entry keeps its place, as in Go
  }

  delete(name: string): void {
    this.add.delete(name);
    this.del.add(name);
  }

  /** A snapshot, so that callbacks may set and delete while iterating. */
  entries(): [string, string][] {
    const untouched = this.base.filter(([n]) => !this.del.has(n) && !this.add.has(n));
    return [...untouched, ...this.add];
  }

  labels(): Labels {
    const out: Record<string, string> = {};
    const all = this.entries().filter(([, v]) => v !== '');
    for (const [n, v] of all.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) out[n] = v;
    return out;
  }
}

/** One rule; false drops the label set. */
function apply(rule: RelabelRule, b: LabelBuilder): boolean {
  const val = rule.sourceLabels.map((n) => b.get(n)).join(rule.separator);
  switch (rule.action) {
    case 'drop':
      return !rule.regex.test(val);
    case 'keep':
      return rule.regex.test(val);
    case 'dropequal':
      return b.get(rule.targetLabel) !== val;
    case 'keepequal':
      return b.get(rule.targetLabel) === val;
    case 'replace': {
      const m = rule.regex.exec(val);
      if (m === null) break; // no match, no change
      // A target computed from the match that is not a label name skips the rule; it is not an error.
      const target = expandTemplate(rule.targetLabel, m);
      if (!LABEL_NAME.test(target)) break;
      b.set(target, expandTemplate(rule.replacement, m));
      break;
    }
    case 'lowercase':
      b.set(rule.targetLabel, goCase(val, false));
      break;
    case 'uppercase':
      b.set(rule.targetLabel, goCase(val, true));
      break;
    case 'hashmod': {
      // md5 of the joined values; the last 8 bytes as a big-endian uint64 (what Prometheus has always used).
      const sum = createHash('md5').update(val, 'utf8').digest();
      b.set(rule.targetLabel, (sum.readBigUInt64BE(8) % BigInt(rule.modulus)).toString());
      break;
    }
    case 'labelmap':
      for (const [name, value] of b.entries()) {
        const m = rule.regex.exec(name);
        // Go's ReplaceAllString on a fully anchored match is the template expanded once.
        if (m !== null) b.set(expandTemplate(rule.replacement, m), value);
      }
      break;
    case 'labeldrop':
      for (const [name] of b.entries()) if (rule.regex.test(name)) b.delete(name);
      break;
    case 'labelkeep':
      for (const [name] of b.entries()) if (!rule.regex.test(name)) b.delete(name);
      break;
  }
  return true;
}

/**
 * Go's strings.ToLower/ToUpper: each code point through Unicode's simple (one-to-one) case mapping. JavaScript
 * applies the full mapping (ß → SS, İ → i̇) and context (final sigma), so map code point by code point and,
 * where JavaScript yields several, use the simple mapping instead.
 */
function goCase(s: string, upper: boolean): string {
  if (/^[\x00-\x7f]*$/.test(s)) return upper ? s.toUpperCase() : s.toLowerCase();
  let out = '';
  for (const ch of s) {
    const mapped = upper ? ch.toUpperCase() : ch.toLowerCase();
    out += [...mapped].length === 1 ? mapped : simpleCase(ch.codePointAt(0) as number, upper);
  }
  return out;
}

/** The simple mapping of the code points whose full mapping is several: all but these map to themselves. */
function simpleCase(cp: number, upper: boolean): string {
  if (!upper) return cp === 0x130 ? 'i' : String.fromCodePoint(cp);
  // Greek small letters with ypogegrammeni map to their titlecase forms.
  if ((cp >= 0x1f80 && cp <= 0x1f87) || (cp >= 0x1f90 && cp <= 0x1f97) || (cp >= 0x1fa0 && cp <= 0x1fa7)) {
    return String.fromCodePoint(cp + 8);
  }
  if (cp === 0x1fb3 || cp === 0x1fc3 || cp === 0x1ff3) return String.fromCodePoint(cp + 9);
  return String.fromCodePoint(cp);
}
