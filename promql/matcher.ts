import type { Labels } from '../protocol/labels.ts';

export type MatchType = '=' | '!=' | '=~' | '!~';

/** A label matcher as PromQL writes it; storage resolves selectors with these. */
export interface Matcher {
  readonly type: MatchType;
  readonly name: string;
  readonly value: string;
  /** Tests one label value; a missing label is the empty string, as in Prometheus. */
  readonly matches: (value: string) => boolean;
}

export function makeMatcher(type: MatchType, name: string, value: string): Matcher {
  switch (type) {
    case '=':
      return { type, name, value, matches: (v) => v === value };
    case '!=':
      return { type, name, value, matches: (v) => v !== value };
    case '=~':
    case '!~': {
      // PromQL regexes are fully anchored (RE2 semantics; JavaScript's dialect covers the common subset).
      const re = new RegExp(`^(?:${value})$`, 's');
      return type === '=~'
        ? { type, name, value, matches: (v) => re.test(v) }
        : { type, name, value, matches: (v) => !re.test(v) };
    }
  }
}

export function matchesAll(labels: Labels, matchers: readonly Matcher[]): boolean {
  return matchers.every((m) => m.matches(labels[m.name] ?? ''));
}
