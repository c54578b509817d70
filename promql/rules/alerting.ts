import { labelsKey, METRIC_NAME, type Labels } from '../../protocol/labels.ts';
import { newStatus, RuleEvalError, setLabels, type EvalContext, type Rule, type RuleSample } from './rule.ts';
import { compileAlertTemplate, type AlertTemplate } from './template/expand.ts';

/** How long a resolved alert is kept, and so re-sent to Alertmanager (Prometheus' resolvedRetention). */
export const RESOLVED_RETENTION_MS = 15 * 60_000;

export type AlertState = 'pending' | 'firing' | 'inactive';

/** One instance of an alerting rule: a label set of the expression's result (rules/alerting.go's Alert). */
export interface Alert {
  state: AlertState;
  labels: Labels;
  annotations: Labels;
  /** The expression's value at the last evaluation. */
  value: number;
  /** All times in ms; undefined where Prometheus keeps a zero time. */
  activeAt: number;
  firedAt: number | undefined;
  resolvedAt: number | undefined;
  lastSentAt: number | undefined;
  validUntil: number | undefined;
  keepFiringSince: number | undefined;
}

export interface AlertingRuleSpec {
  readonly name: string;
  readonly query: string;
  readonly forMs: number;
  readonly keepFiringForMs: number;
  readonly labels: Labels;
  readonly annotations: Labels;
}

export interface AlertingRule extends Rule {
  readonly kind: 'alerting';
  readonly forMs: number;
  readonly keepFiringForMs: number;
  readonly annotations: Labels;
  /** Pending, firing and recently resolved alerts, by label set. */
  readonly active: Map<string, Alert>;
  /** Alerts due for a notification at `ts` (Prometheus' needsSending), marked as sent with their validUntil. */
  takeAlertsToSend(ts: number, resendDelayMs: number, intervalMs: number): Alert[];
}

const ALERT_NAME = 'alertname';

/**
 * Prometheus 3's alerting rule: each result element becomes a pending alert, firing once it has lasted `for`; when
 * it leaves the result it is resolved (kept 15 minutes for Alertmanager) unless keep_firing_for holds it firing.
 * Each evaluation writes ALERTS{alertstate} and ALERTS_FOR_STATE (the activeAt, in seconds) for every active alert.
 */
export function alertingRule(spec: AlertingRuleSpec): AlertingRule {
  const compile = (record: Labels) =>
    Object.entries(record).map(([k, text]): [string, AlertTemplate] => [k, compileAlertTemplate(spec.name, text)]);
  const labelTemplates = compile(spec.labels);
  const annotationTemplates = compile(spec.annotations);
  const active = new Map<string, Alert>();
  const status = newStatus();

  function evaluate(ts: number, ctx: EvalContext): RuleSample[] {
    const at = ts - ctx.queryOffsetMs;
    const result = ctx.query(spec.query, at);
    const env = { ts, externalURL: ctx.externalURL, query: (q: string, t: number) => ctx.query(q, t).map((s) => ({ labels: s.labels, value: s.v })) };
    const fresh = new Map<string, Alert>();
    for (const sample of result) {
      const data = { labels: sample.labels, externalLabels: ctx.externalLabels, externalURL: ctx.externalURL, value: sample.v };
      const expand = (templates: [string, AlertTemplate][]) => Object.fromEntries(templates.map(([k, t]) => [k, t.expand(data, env)]));
      const { [METRIC_NAME]: _name, ...base } = sample.labels;
      const labels = setLabels(setLabels(base, expand(labelTemplates)), { [ALERT_NAME]: spec.name });
      const key = labelsKey(labels);
      if (fresh.has(key)) throw new RuleEvalError('vector contains metrics with the same labelset after applying alert labels');
      fresh.set(key, {
        state: 'pending',
        labels,
        annotations: expand(annotationTemplates),
        value: sample.v,
        activeAt: ts,
        firedAt: undefined,
        resolvedAt: undefined,
        lastSentAt: undefined,
        validUntil: undefined,
        keepFiringSince: undefined,
      });
    }
    for (const [key, alert] of fresh) {
      const known = active.get(key);
      if (known && known.state !== 'inactive') {
        known.value = alert.value;
        known.annotations = alert.annotations;
      } else active.set(key, alert);
    }

    const out: RuleSample[] = [];
    let activePending = 0;
    for (const [key, a] of active) {
      if (!fresh.has(key)) {
        let keepFiring = false;
        if (a.state === 'firing' && spec.keepFiringForMs > 0) {
          a.keepFiringSince ??= ts;
          keepFiring = ts - a.keepFiringSince < spec.keepFiringForMs;
        }
        // A pending alert that vanished never fired: nothing to tell Alertmanager. A resolved one stays a while so
        // that its resolution is sent more than once.
        if (a.state === 'pending' || (a.resolvedAt !== undefined && ts - a.resolvedAt > RESOLVED_RETENTION_MS)) active.delete(key);
        if (a.state !== 'inactive' && !keepFiring) {
          a.state = 'inactive';
          a.resolvedAt = ts;
        }
        if (!keepFiring) continue;
      } else {
        a.keepFiringSince = undefined;
      }
      activePending++;
      if (a.state === 'pending' && ts - a.activeAt >= spec.forMs) {
        a.state = 'firing';
        a.firedAt = ts;
      }
      // A reload may have raised `for` above how long this alert has been active.
      if (a.state === 'firing' && ts - a.activeAt < spec.forMs) {
        a.state = 'pending';
        a.firedAt = undefined;
        a.lastSentAt = undefined;
        a.keepFiringSince = undefined;
      }
      out.push({ labels: { ...a.labels, [METRIC_NAME]: 'ALERTS', alertstate: a.state }, t: at, v: 1 });
      out.push({ labels: { ...a.labels, [METRIC_NAME]: 'ALERTS_FOR_STATE' }, t: at, v: Math.floor(a.activeAt / 1000) });
    }
    if (ctx.limit > 0 && activePending > ctx.limit) {
      active.clear();
      throw new RuleEvalError(`exceeded limit of ${ctx.limit} with ${activePending} alerts`);
    }
    return out;
  }

  return {
    kind: 'alerting',
    name: spec.name,
    query: spec.query,
    labels: spec.labels,
    annotations: spec.annotations,
    forMs: spec.forMs,
    keepFiringForMs: spec.keepFiringForMs,
    active,
    status,
    eval: evaluate,
    takeAlertsToSend(ts, resendDelayMs, intervalMs) {
      const due: Alert[] = [];
      for (const a of active.values()) {
        if (!needsSending(a, ts, resendDelayMs)) continue;
        a.lastSentAt = ts;
        // Room for two missed evaluations or failed sends before Alertmanager resolves it by itself.
        a.validUntil = ts + 4 * Math.max(intervalMs, resendDelayMs);
        due.push({ ...a });
      }
      return due;
    },
  };
}

/** Prometheus' Alert.needsSending: firing or resolved alerts, again after each resend delay, and any new resolution. */
export function needsSending(a: Alert, ts: number, resendDelayMs: number): boolean {
  if (a.state === 'pending') return false;
  if (a.resolvedAt !== undefined && (a.lastSentAt === undefined || a.resolvedAt > a.lastSentAt)) return true;
  return (a.lastSentAt ?? -Infinity) + resendDelayMs < ts;
}
