import { ProtocolError } from './errors.ts';
import { isValidLabelName, LABEL_LIMITS, type Labels } from './labels.ts';

/**
 * The state of an agent's rule groups as it travels in a batch's optional `rules` table (protocol/README.md,
 * "Rules and alerts"): enough for the aggregator to answer /api/v1/rules and /api/v1/alerts for every agent and to
 * forward the agent's alerts to Alertmanager, with the times the agent saw, whenever the batch arrives.
 */
export interface RuleSnapshot {
  /** When the agent took it, ms; a group's newer state replaces an older one, never the reverse. */
  readonly t: number;
  /** True when `groups` is every group the agent runs: groups it no longer lists are gone. */
  readonly complete: boolean;
  /** The agent's external labels (its id as `agent` among them): added to its alerts wherever they are sent. */
  readonly externalLabels: Labels;
  readonly groups: readonly GroupState[];
}

export interface GroupState {
  readonly file: string;
  readonly name: string;
  readonly intervalMs: number;
  readonly limit: number;
  /** ms; absent before the first evaluation. */
  readonly lastEvaluation?: number;
  readonly evaluationTimeMs: number;
  readonly rules: readonly RuleState[];
}

export interface RuleState {
  readonly type: 'alerting' | 'recording';
  readonly name: string;
  readonly query: string;
  readonly labels: Labels;
  readonly health: 'ok' | 'err' | 'unknown';
  readonly lastError?: string;
  readonly lastEvaluation?: number;
  readonly evaluationTimeMs: number;
  /** Alerting rules only. */
  readonly forMs?: number;
  readonly keepFiringForMs?: number;
  readonly annotations?: Labels;
  readonly alerts?: readonly AlertState[];
}

export interface AlertState {
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly state: 'pending' | 'firing' | 'inactive';
  readonly value: number;
  /** ms since the epoch, as the agent's rule evaluation set them. */
  readonly activeAt: number;
  readonly firedAt?: number;
  readonly resolvedAt?: number;
  readonly keepFiringSince?: number;
}

/** Bounds on one snapshot, so a hostile or runaway rule set cannot exhaust the aggregator. */
export const RULE_LIMITS = { maxGroups: 1_000, maxRules: 10_000, maxAlerts: 20_000, maxTextLength: 65_536 } as const;

const HEALTH = ['ok', 'err', 'unknown'];
const ALERT_STATES = ['pending', 'firing', 'inactive'];

/** Reads and checks the `rules` table of a batch; throws ProtocolError naming the bad field. */
export function decodeRuleSnapshot(raw: unknown): RuleSnapshot {
  const r = record(raw, 'rules');
  const groups = list(r.groups, 'rules.groups', RULE_LIMITS.maxGroups);
  let rules = 0;
  let alerts = 0;
  const out: GroupState[] = groups.map((g, gi) => {
    const field = `rules.groups[${gi}]`;
    const gr = record(g, field);
    const ruleList = list(gr.rules, `${field}.rules`, RULE_LIMITS.maxRules);
    rules += ruleList.length;
    if (rules > RULE_LIMITS.maxRules) throw new ProtocolError('invalid', 'rules', `more than ${RULE_LIMITS.maxRules} rules`);
    return {
      file: text(gr.file, `${field}.file`),
      name: text(gr.name, `${field}.name`),
      intervalMs: int(gr.intervalMs, `${field}.intervalMs`),
      limit: int(gr.limit, `${field}.limit`),
      ...optionalInt(gr, 'lastEvaluation', field),
      evaluationTimeMs: num(gr.evaluationTimeMs, `${field}.evaluationTimeMs`),
      rules: ruleList.map((rule, ri) => {
        const rf = `${field}.rules[${ri}]`;
        const rr = record(rule, rf);
        if (rr.type !== 'alerting' && rr.type !== 'recording') throw new ProtocolError('invalid', `${rf}.type`, 'must be "alerting" or "recording"');
        if (!HEALTH.includes(rr.health as string)) throw new ProtocolError('invalid', `${rf}.health`, `must be one of ${HEALTH.join(', ')}`);
        const state: RuleState = {
          type: rr.type,
          name: text(rr.name, `${rf}.name`),
          query: text(rr.query, `${rf}.query`),
          labels: labelSet(rr.labels, `${rf}.labels`),
          health: rr.health as RuleState['health'],
          ...(rr.lastError !== undefined ? { lastError: text(rr.lastError, `${rf}.lastError`) } : {}),
          ...optionalInt(rr, 'lastEvaluation', rf),
          evaluationTimeMs: num(rr.evaluationTimeMs, `${rf}.evaluationTimeMs`),
        };
        if (rr.type === 'recording') return state;
        const alertList = list(rr.alerts ?? [], `${rf}.alerts`, RULE_LIMITS.maxAlerts);
        alerts += alertList.length;
        if (alerts > RULE_LIMITS.maxAlerts) throw new ProtocolError('invalid', 'rules', `more than ${RULE_LIMITS.maxAlerts} alerts`);
        return {
          ...state,
          forMs: int(rr.forMs, `${rf}.forMs`),
          keepFiringForMs: int(rr.keepFiringForMs, `${rf}.keepFiringForMs`),
          annotations: labelSet(rr.annotations, `${rf}.annotations`),
          alerts: alertList.map((a, ai) => decodeAlert(a, `${rf}.alerts[${ai}]`)),
        };
      }),
    };
  });
  if (typeof r.complete !== 'boolean') throw new ProtocolError('invalid', 'rules.complete', 'must be true or false');
  return { t: int(r.t, 'rules.t'), complete: r.complete, externalLabels: labelSet(r.externalLabels, 'rules.externalLabels'), groups: out };
}

function decodeAlert(raw: unknown, field: string): AlertState {
  const a = record(raw, field);
  if (!ALERT_STATES.includes(a.state as string)) throw new ProtocolError('invalid', `${field}.state`, `must be one of ${ALERT_STATES.join(', ')}`);
  return {
    labels: labelSet(a.labels, `${field}.labels`),
    annotations: labelSet(a.annotations, `${field}.annotations`),
    state: a.state as AlertState['state'],
    value: num(a.value, `${field}.value`),
    activeAt: int(a.activeAt, `${field}.activeAt`),
    ...optionalInt(a, 'firedAt', field),
    ...optionalInt(a, 'resolvedAt', field),
    ...optionalInt(a, 'keepFiringSince', field),
  };
}

function record(raw: unknown, field: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ProtocolError('invalid', field, 'expected a map');
  return raw as Record<string, unknown>;
}

function list(raw: unknown, field: string, max: number): unknown[] {
  if (!Array.isArray(raw)) throw new ProtocolError('invalid', field, 'expected an array');
  if (raw.length > max) throw new ProtocolError('invalid', field, `${raw.length} entries, at most ${max}`);
  return raw;
}

function text(raw: unknown, field: string): string {
  if (typeof raw !== 'string') throw new ProtocolError('invalid', field, 'expected a string');
  if (raw.length > RULE_LIMITS.maxTextLength) throw new ProtocolError('invalid', field, `${raw.length} characters, at most ${RULE_LIMITS.maxTextLength}`);
  return raw;
}

function int(raw: unknown, field: string): number {
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw)) throw new ProtocolError('invalid', field, 'expected an integer');
  return raw;
}

/** Any float, NaN and infinities included (CBOR carries them as they are). */
function num(raw: unknown, field: string): number {
  if (typeof raw !== 'number') throw new ProtocolError('invalid', field, 'expected a number');
  return raw;
}

function optionalInt<K extends string>(r: Record<string, unknown>, key: K, field: string): Partial<Record<K, number>> {
  return r[key] === undefined ? {} : ({ [key]: int(r[key], `${field}.${key}`) } as Record<K, number>);
}

function labelSet(raw: unknown, field: string): Labels {
  const r = record(raw, field);
  const keys = Object.keys(r);
  if (keys.length > LABEL_LIMITS.maxLabelsPerSeries * 2) throw new ProtocolError('invalid', field, `${keys.length} entries, too many`);
  for (const k of keys) {
    if (!isValidLabelName(k)) throw new ProtocolError('invalid', field, `invalid name ${JSON.stringify(k)}`);
    text(r[k], `${field}.${k}`);
  }
  return r as Labels;
}
