import { labelsKey } from '../../protocol/labels.ts';
import type { Logger } from '../../protocol/log.ts';
import type { AlertState } from '../../protocol/rules.ts';
import type { Alert, AlertingRule } from '../../promql/rules/alerting.ts';
import { alertmanagerSender, toAlertmanagerAlert, type AlertmanagerSender } from '../../promql/rules/notify.ts';
import type { AgentGroup } from './alert-store.ts';

export interface AlertForwarderOptions {
  readonly urls: readonly string[];
  readonly resendDelayMs: number;
  readonly log: Logger;
  readonly now: () => number;
  /** The agents' groups as the alert store holds them. */
  readonly agentGroups: () => readonly AgentGroup[];
  readonly fetch?: typeof fetch;
}

export interface AlertForwarder {
  /** Alerts of the aggregator's own rules, due as their rule decided. */
  notifyCentral(alerts: readonly Alert[], rule: AlertingRule): void;
  /** Sends what the agents' alerts need now (a snapshot arrived); also runs on a timer. */
  poke(): void;
  close(): Promise<void>;
}

/** How often agents' alerts are looked at for a resend, besides when a snapshot arrives. */
const TICK_MS = 5_000;

/**
 * Forwards alerts to the configured Alertmanager (--alertmanager.url): the aggregator's own rules' alerts as
 * Prometheus sends them, and every agent's alerts with an `agent` label, on Prometheus' resend schedule (firing and
 * resolved alerts again after each resend delay, a new resolution at once). An agent that also reaches Alertmanager
 * directly sends the same label set, so Alertmanager sees one alert, not two.
 */
export function startAlertForwarder(opts: AlertForwarderOptions): AlertForwarder {
  const sender: AlertmanagerSender = alertmanagerSender({ urls: opts.urls, log: opts.log, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  /** agent + alert labels → when it was last sent (aggregator's clock) and the resolution it carried. */
  const lastSent = new Map<string, Sent>();

  function forwardAgents() {
    const t = opts.now();
    const seen = new Set<string>();
    const due = [];
    for (const { agent, externalLabels, group } of opts.agentGroups()) {
      for (const rule of group.rules) {
        for (const a of rule.alerts ?? []) {
          const labels = { agent, ...a.labels };
          const key = `${agent}\n${labelsKey(a.labels)}`;
          seen.add(key);
          if (!needsSending(a, lastSent.get(key), t, opts.resendDelayMs)) continue;
          lastSent.set(key, { at: t, resolvedAt: a.resolvedAt });
          const validUntil = t + 4 * Math.max(group.intervalMs, opts.resendDelayMs);
          // The agent's external labels, as the agent adds them: both send Alertmanager the same alert.
          due.push(toAlertmanagerAlert({ ...a, labels, firedAt: a.firedAt ?? a.activeAt, resolvedAt: a.resolvedAt, validUntil }, rule.query, externalLabels, ''));
        }
      }
    }
    for (const key of lastSent.keys()) if (!seen.has(key)) lastSent.delete(key);
    sender.send(due);
  }

  const timer = setInterval(forwardAgents, TICK_MS);
  timer.unref();

  return {
    notifyCentral(alerts, rule) {
      sender.send(alerts.map((a) => toAlertmanagerAlert(a, rule.query, {}, '')));
    },
    poke: forwardAgents,
    async close() {
      clearInterval(timer);
      let wait: NodeJS.Timeout | undefined;
      await Promise.race([sender.flush(), new Promise((r) => (wait = setTimeout(r, 3_000)))]);
      clearTimeout(wait);
    },
  };
}

interface Sent {
  readonly at: number;
  readonly resolvedAt: number | undefined;
}

/**
 * Prometheus' needsSending over an agent's alert: pending never, a new resolution at once, the rest once per resend
 * delay. The resolution is compared with the one last sent rather than with the time of sending: the two come
 * from different clocks, the agent's and the aggregator's.
 */
function needsSending(a: AlertState, last: Sent | undefined, t: number, resendDelayMs: number): boolean {
  if (a.state === 'pending') return false;
  if (a.resolvedAt !== undefined && a.resolvedAt !== last?.resolvedAt) return true;
  return (last?.at ?? -Infinity) + resendDelayMs < t;
}
