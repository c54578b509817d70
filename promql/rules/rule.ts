import type { Labels } from '../../protocol/labels.ts';

/**
 * The rule contract (as Prometheus' rules/rule.go): a rule evaluates at a timestamp through a QueryFunc, never
 * through an engine or a storage of its own, so the agent's local window, the aggregator's store and promtool-style
 * unit tests all drive the same rules.
 */

/** One output sample of a rule, or one element of a query result. */
export interface RuleSample {
  readonly labels: Labels;
  /** ms since the epoch. */
  readonly t: number;
  readonly v: number;
}

/** Runs an instant query; a scalar result comes back as one sample without labels. Throws QueryError. */
export type QueryFunc = (expr: string, t: number) => RuleSample[];

export type RuleHealth = 'unknown' | 'ok' | 'err';

/** What one evaluation needs besides the timestamp. */
export interface EvalContext {
  readonly query: QueryFunc;
  /** The group's query_offset: rules query `ts - offset` and write their results there. */
  readonly queryOffsetMs: number;
  /** The group's limit on alerts or series per rule; 0 for none. */
  readonly limit: number;
  /** Global external labels, which alert templates see as `$externalLabels`. */
  readonly externalLabels: Labels;
  readonly externalURL: string;
}

/** A rule's last evaluation, for /api/v1/rules. */
export interface RuleStatus {
  health: RuleHealth;
  lastError: string | undefined;
  /** When the last evaluation started, ms; undefined before the first. */
  lastEvaluation: number | undefined;
  evaluationTimeMs: number;
}

export interface Rule {
  readonly kind: 'alerting' | 'recording';
  /** The alert name or the recorded metric name. */
  readonly name: string;
  /** The expression as Prometheus prints it. */
  readonly query: string;
  readonly labels: Labels;
  readonly status: RuleStatus;
  /** Evaluates at `ts`; returns the samples to store. Throws with the reason the evaluation failed. */
  eval(ts: number, ctx: EvalContext): RuleSample[];
}

export function newStatus(): RuleStatus {
  return { health: 'unknown', lastError: undefined, lastEvaluation: undefined, evaluationTimeMs: 0 };
}

/** A rule evaluation that cannot produce a result: the message is what /api/v1/rules shows as lastError. */
export class RuleEvalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleEvalError';
  }
}

/** `base` with `set` applied as Prometheus' label builder does: an empty value removes the label. */
export function setLabels(base: Labels, set: Labels): Labels {
  const out: Record<string, string> = { ...base };
  for (const [k, v] of Object.entries(set)) {
    if (v === '') delete out[k];
    else out[k] = v;
  }
  return out;
}
