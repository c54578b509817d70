import { createHash } from 'node:crypto';
import { sortLabels, type Labels } from '../../protocol/labels.ts';
import type { AlertState, GroupState, RuleState } from '../../protocol/rules.ts';
import { formatGoFloat } from '../../promql/rules/template/go-float.ts';

/** A rule group as /api/v1/rules shows it: the aggregator's own (no agent) or one an agent runs. */
export interface RuleGroupView {
  readonly agent?: string;
  readonly group: GroupState;
}

/** Where the rules API finds rule groups: the aggregator's central rules and every agent's reported ones. */
export interface RulesSource {
  groups(): readonly RuleGroupView[];
}

export const NO_RULES: RulesSource = { groups: () => [] };

/** Go's time.Time in JSON (RFC 3339 with the fraction's trailing zeros dropped), UTC; Go's zero time when absent. */
export function goTime(ms: number | undefined): string {
  if (ms === undefined) return '0001-01-01T00:00:00Z';
  return new Date(ms).toISOString().replace(/\.?0*Z$/, 'Z');
}

/**
 * The labels an agent's rule or alert shows centrally: its own, and the agent's id unless it already has one; in
 * name order, as Prometheus writes label sets.
 */
export function withAgent(labels: Labels, agent: string | undefined): Labels {
  return sortLabels(agent === undefined || labels.agent !== undefined ? labels : { agent, ...labels });
}

/** An alert still pending or firing (resolved ones are kept only for notifications, as Prometheus' ActiveAlerts). */
export const isActive = (a: AlertState) => a.resolvedAt === undefined;

/** Prometheus' API Alert. */
export function apiAlert(a: AlertState, agent: string | undefined) {
  return {
    labels: withAgent(a.labels, agent),
    annotations: sortLabels(a.annotations),
    state: a.state,
    activeAt: goTime(a.activeAt),
    ...(a.keepFiringSince !== undefined ? { keepFiringSince: goTime(a.keepFiringSince) } : {}),
    value: formatGoFloat(a.value, 'e', -1),
  };
}

/** Rule.State(): the highest state of its alerts, resolved ones included; unknown before the first evaluation. */
function ruleState(r: RuleState): string {
  if (r.lastEvaluation === undefined) return 'unknown';
  const states = (r.alerts ?? []).map((a) => a.state);
  return states.includes('firing') ? 'firing' : states.includes('pending') ? 'pending' : 'inactive';
}

export function apiRule(r: RuleState, agent: string | undefined, excludeAlerts: boolean) {
  const common = { name: r.name, query: r.query };
  const status = {
    health: r.health,
    ...(r.lastError ? { lastError: r.lastError } : {}),
    evaluationTime: r.evaluationTimeMs / 1000,
    lastEvaluation: goTime(r.lastEvaluation),
  };
  if (r.type === 'recording') return { ...common, labels: withAgent(r.labels, agent), ...status, type: 'recording' };
  return {
    state: ruleState(r),
    ...common,
    duration: (r.forMs ?? 0) / 1000,
    keepFiringFor: (r.keepFiringForMs ?? 0) / 1000,
    labels: withAgent(r.labels, agent),
    annotations: sortLabels(r.annotations ?? {}),
    // Prometheus writes null when asked to leave the alerts out.
    alerts: excludeAlerts ? null : (r.alerts ?? []).filter(isActive).map((a) => apiAlert(a, agent)),
    ...status,
    type: 'alerting',
  };
}

export function apiGroup(view: RuleGroupView, rules: unknown[]) {
  const g = view.group;
  return {
    name: g.name,
    file: g.file,
    rules,
    interval: g.intervalMs / 1000,
    limit: g.limit,
    evaluationTime: g.evaluationTimeMs / 1000,
    lastEvaluation: goTime(g.lastEvaluation),
  };
}

/** Prometheus' pagination token, a SHA-1 of file and group name; an agent's groups include the agent's id. */
export function groupToken(view: RuleGroupView): string {
  const prefix = view.agent === undefined ? '' : `${view.agent};`;
  return createHash('sha1').update(`${prefix}${view.group.file};${view.group.name}`).digest('hex');
}
