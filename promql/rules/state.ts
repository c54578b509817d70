import type { AlertState, GroupState, RuleState } from '../../protocol/rules.ts';
import type { Alert, AlertingRule } from './alerting.ts';
import type { RuleGroup } from './group.ts';

/** A running group as the wire and the API describe it (protocol/rules.ts): rules, health and active alerts. */
export function groupState(g: RuleGroup): GroupState {
  return {
    file: g.file,
    name: g.name,
    intervalMs: g.intervalMs,
    limit: g.limit,
    ...(g.lastEvaluation !== undefined ? { lastEvaluation: g.lastEvaluation } : {}),
    evaluationTimeMs: g.evaluationTimeMs,
    rules: g.rules.map((r): RuleState => {
      const base: RuleState = {
        type: r.kind,
        name: r.name,
        query: r.query,
        labels: r.labels,
        health: r.status.health,
        ...(r.status.lastError !== undefined ? { lastError: r.status.lastError } : {}),
        ...(r.status.lastEvaluation !== undefined ? { lastEvaluation: r.status.lastEvaluation } : {}),
        evaluationTimeMs: r.status.evaluationTimeMs,
      };
      if (r.kind !== 'alerting') return base;
      const a = r as AlertingRule;
      return { ...base, forMs: a.forMs, keepFiringForMs: a.keepFiringForMs, annotations: a.annotations, alerts: [...a.active.values()].map(alertState) };
    }),
  };
}

export function alertState(a: Alert): AlertState {
  return {
    labels: a.labels,
    annotations: a.annotations,
    state: a.state,
    value: a.value,
    activeAt: a.activeAt,
    ...(a.firedAt !== undefined ? { firedAt: a.firedAt } : {}),
    ...(a.resolvedAt !== undefined ? { resolvedAt: a.resolvedAt } : {}),
    ...(a.keepFiringSince !== undefined ? { keepFiringSince: a.keepFiringSince } : {}),
  };
}

/**
 * What makes a group's state worth shipping again: rule health and errors, and each alert's identity, state and
 * times; not values or evaluation times, which change at every evaluation.
 */
export function groupFingerprint(g: GroupState): string {
  return JSON.stringify(
    g.rules.map((r) => [r.health, r.lastError ?? '', (r.alerts ?? []).map((a) => [a.labels, a.annotations, a.state, a.activeAt, a.resolvedAt ?? 0, a.keepFiringSince ?? 0])]),
  );
}
