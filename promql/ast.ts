import type { Matcher } from './matcher.ts';

/** An instant vector selector: `name{label="value"}`; name-only selectors carry an `__name__` matcher. */
export interface VectorSelector {
  readonly kind: 'vector_selector';
  readonly matchers: readonly Matcher[];
}

/** The expression forms the engine evaluates; grows with the engine. */
export type Expr = VectorSelector;
