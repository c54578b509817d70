import type { Labels } from '../../protocol/labels.ts';
import type { Matcher } from '../../promql/matcher.ts';
import { intersect, removeIds, subtract, union, type Postings } from './postings.ts';
import { regexLiterals, type RegexLiterals } from './regex-literals.ts';

/**
 * The inverted index over series label sets: label name → value → sorted ids of the series that carry it. It lives
 * in memory and is rebuilt from the series table at open (STORAGE.md, "Opening").
 */
export class SeriesIndex {
  private readonly byName = new Map<string, Map<string, number[]>>();
  /** Each name's values sorted, built on demand for prefix lookups; dropped when a value comes or goes. */
  private readonly sortedValues = new Map<string, string[]>();
  private readonly literals = new Map<string, RegexLiterals>();
  private all: number[] = [];

  get size(): number {
    return this.all.length;
  }

  /** Indexes a series; ids must arrive in increasing order. */
  add(id: number, labels: Labels): void {
    this.all.push(id);
    for (const name in labels) {
      const value = labels[name] as string;
      let values = this.byName.get(name);
      if (values === undefined) this.byName.set(name, (values = new Map()));
      const list = values.get(value);
      if (list === undefined) {
        values.set(value, [id]);
        this.sortedValues.delete(name);
      } else list.push(id);
    }
  }

  /** Forgets series, with their label sets; values and names left without series go too. */
  removeMany(gone: ReadonlyMap<number, Labels>): void {
    if (gone.size === 0) return;
    const ids = new Set(gone.keys());
    removeIds(this.all, ids);
    const touched = new Map<string, Set<string>>();
    for (const labels of gone.values()) {
      for (const name in labels) {
        let values = touched.get(name);
        if (values === undefined) touched.set(name, (values = new Set()));
        values.add(labels[name] as string);
      }
    }
    for (const [name, values] of touched) {
      const byValue = this.byName.get(name);
      if (byValue === undefined) continue;
      for (const value of values) {
        const list = byValue.get(value);
        if (list === undefined || removeIds(list, ids).length > 0) continue;
        byValue.delete(value);
        this.sortedValues.delete(name);
      }
      if (byValue.size === 0) this.byName.delete(name);
    }
  }

  /**
   * Ids of the series matching every matcher, ascending; all series for no matchers. A matcher that does not match
   * the empty string keeps only series carrying the label with a matching value (an intersection); one that does
   * lets series without the label through and removes those whose value fails it (a subtraction), as Prometheus'
   * PostingsForMatchers. Only label values are tested, never series, and for `=`, `!=` and regexes that are
   * literal alternations or have a literal prefix only the few values that can match.
   */
  resolve(matchers: readonly Matcher[]): number[] {
    let result: number[] | undefined;
    const excluded: Postings[] = [];
    for (const m of matchers) {
      if (!m.matches('')) {
        const postings = this.postingsWhere(m, true);
        result = result === undefined ? postings : intersect(result, postings);
        if (result.length === 0) return result;
      } else {
        excluded.push(this.postingsWhere(m, false));
      }
    }
    let ids = result ?? this.all.slice();
    for (const list of excluded) ids = subtract(ids, list);
    return ids;
  }

  /** Every id, ascending. */
  allIds(): number[] {
    return this.all.slice();
  }

  /** Label names that some series carries, sorted. */
  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  /** Values of a label name with the series carrying each (not copied: do not modify). */
  valuesOf(name: string): ReadonlyMap<string, Postings> {
    return this.byName.get(name) ?? new Map();
  }

  /** Union of the postings of the values v of m.name for which m.matches(v) === want. */
  private postingsWhere(m: Matcher, want: boolean): number[] {
    const byValue = this.byName.get(m.name);
    if (byValue === undefined) return [];
    const lists: Postings[] = [];
    for (const value of this.candidateValues(m, want, byValue)) {
      const list = byValue.get(value);
      if (list !== undefined && m.matches(value) === want) lists.push(list);
    }
    return union(lists);
  }

  /** A superset of the values that can pass: the literal, the regex's alternatives or prefix, or all of them. */
  private candidateValues(m: Matcher, want: boolean, byValue: Map<string, number[]>): Iterable<string> {
    // `=` passing and `!=` failing both mean "equal to the value".
    if ((m.type === '=') === want && (m.type === '=' || m.type === '!=')) return [m.value];
    if ((m.type === '=~') === want && (m.type === '=~' || m.type === '!~')) {
      const literals = this.regexLiteralsOf(m.value);
      if (literals.kind === 'set') return literals.values;
      if (literals.kind === 'prefix') return this.withPrefix(m.name, byValue, literals.prefix);
    }
    return byValue.keys();
  }

  private regexLiteralsOf(source: string): RegexLiterals {
    let literals = this.literals.get(source);
    if (literals === undefined) {
      // Bounded: a dashboard asks the same few regexes over and over; a flood of distinct ones just restarts it.
      if (this.literals.size >= 1000) this.literals.clear();
      this.literals.set(source, (literals = regexLiterals(source)));
    }
    return literals;
  }

  private withPrefix(name: string, byValue: Map<string, number[]>, prefix: string): string[] {
    let sorted = this.sortedValues.get(name);
    if (sorted === undefined) this.sortedValues.set(name, (sorted = [...byValue.keys()].sort()));
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sorted[mid] as string) < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    for (let i = lo; i < sorted.length && (sorted[i] as string).startsWith(prefix); i++) out.push(sorted[i] as string);
    return out;
  }
}
