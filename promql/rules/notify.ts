import type { Labels } from '../../protocol/labels.ts';
import type { Logger } from '../../protocol/log.ts';
import { queryEscape } from './template/builtins.ts';

/** An alert as Alertmanager's API v2 takes it (`POST /api/v2/alerts`, a JSON array of these). */
export interface AlertmanagerAlert {
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL: string;
}

/** The times of an alert that decide its notification (rules' Alert, or an agent's alert as the aggregator holds it). */
export interface NotifiableAlert {
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly firedAt: number | undefined;
  readonly resolvedAt: number | undefined;
  readonly validUntil: number | undefined;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Prometheus' link to an expression in its table view, the alert's generatorURL. */
export function tableLink(externalURL: string, expr: string): string {
  return `${externalURL.replace(/\/$/, '')}/graph?g0.expr=${queryEscape(expr)}&g0.tab=1`;
}

/**
 * Prometheus' SendAlerts and notifier: starts at the time the alert fired, ends at its resolution or, while it
 * fires, at validUntil (so Alertmanager resolves it by itself if the sender goes quiet); external labels are added
 * where the alert has no label of that name.
 */
export function toAlertmanagerAlert(a: NotifiableAlert, expr: string, externalLabels: Labels, externalURL: string): AlertmanagerAlert {
  const labels: Record<string, string> = { ...a.labels };
  for (const [k, v] of Object.entries(externalLabels)) if (!labels[k]) labels[k] = v;
  const ends = a.resolvedAt ?? a.validUntil;
  return {
    labels,
    annotations: a.annotations,
    startsAt: iso(a.firedAt ?? 0),
    endsAt: ends === undefined ? '0001-01-01T00:00:00.000Z' : iso(ends),
    generatorURL: tableLink(externalURL, expr),
  };
}

export interface AlertmanagerSenderOptions {
  /** Alertmanager base URLs (`http://host:9093`, with a path prefix if it has one). */
  readonly urls: readonly string[];
  readonly log: Logger;
  readonly fetch?: typeof fetch;
  /** Per request, as Prometheus' alertmanager_config timeout (10 s). */
  readonly timeoutMs?: number;
  /** Alerts waiting to be sent; past it the oldest are dropped and counted (Prometheus' notifier queue capacity). */
  readonly maxQueue?: number;
  /** Alerts per request (Prometheus' maxBatchSize). */
  readonly batchSize?: number;
  /** Attempts per request before giving up on that Alertmanager for this batch; the next resend tries again. */
  readonly attempts?: number;
  readonly retryDelayMs?: number;
}

export const DEFAULT_SENDER = { timeoutMs: 10_000, maxQueue: 10_000, batchSize: 256, attempts: 3, retryDelayMs: 1_000 } as const;

export interface SenderCounters {
  /** Alerts delivered to at least one Alertmanager. */
  sent: number;
  /** Alerts no Alertmanager took after every attempt. */
  failed: number;
  /** Alerts dropped from a full queue. */
  dropped: number;
}

export interface AlertmanagerSender {
  send(alerts: readonly AlertmanagerAlert[]): void;
  readonly counters: Readonly<SenderCounters>;
  /** Waits for what is queued now to be sent or given up. */
  flush(): Promise<void>;
}

/**
 * Sends alerts to every configured Alertmanager (each gets all of them, as Prometheus does), a batch at a time.
 * A failed request is retried with a growing delay; a 4xx answer is not retried, as resending cannot fix it.
 * An alert counts as sent when one Alertmanager took it: they gossip, and the resend delay covers the rest.
 */
export function alertmanagerSender(opts: AlertmanagerSenderOptions): AlertmanagerSender {
  const o = { ...DEFAULT_SENDER, ...opts };
  const doFetch = opts.fetch ?? fetch;
  const counters: SenderCounters = { sent: 0, failed: 0, dropped: 0 };
  let queue: AlertmanagerAlert[] = [];
  let draining: Promise<void> | undefined;

  async function post(base: string, batch: readonly AlertmanagerAlert[]): Promise<boolean> {
    const url = `${base.replace(/\/$/, '')}/api/v2/alerts`;
    for (let attempt = 1; attempt <= o.attempts; attempt++) {
      let problem: string;
      try {
        const res = await doFetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'Outpost' },
          body: JSON.stringify(batch),
          signal: AbortSignal.timeout(o.timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return true;
        problem = `HTTP ${res.status}`;
        if (res.status >= 400 && res.status < 500) {
          opts.log.warn(`Alertmanager ${url} refused ${batch.length} alerts (${problem}); not retried`);
          return false;
        }
      } catch (err) {
        problem = (err as Error).message;
      }
      if (attempt === o.attempts) {
        opts.log.warn(`could not send ${batch.length} alerts to Alertmanager ${url} after ${o.attempts} attempts: ${problem}`);
        return false;
      }
      await new Promise((r) => setTimeout(r, o.retryDelayMs * 2 ** (attempt - 1)));
    }
    return false;
  }

  async function drain() {
    while (queue.length > 0) {
      const batch = queue.slice(0, o.batchSize);
      queue = queue.slice(batch.length);
      const results = await Promise.all(o.urls.map((u) => post(u, batch)));
      if (results.some(Boolean)) counters.sent += batch.length;
      else counters.failed += batch.length;
    }
    draining = undefined;
  }

  return {
    counters,
    send(alerts) {
      if (o.urls.length === 0 || alerts.length === 0) return;
      queue.push(...alerts);
      if (queue.length > o.maxQueue) {
        const excess = queue.length - o.maxQueue;
        queue = queue.slice(excess);
        counters.dropped += excess;
        opts.log.warn(`Alertmanager queue full: dropped the ${excess} oldest alerts`);
      }
      draining ??= drain();
    },
    flush: () => draining ?? Promise.resolve(),
  };
}
