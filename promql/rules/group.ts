import type { CollectedSample } from '../../protocol/batch.ts';
import { labelsKey, type Labels } from '../../protocol/labels.ts';
import type { Alert, AlertingRule } from './alerting.ts';
import type { QueryFunc, Rule } from './rule.ts';

/** Where a group's results go and what its rules may read. */
export interface GroupEnv {
  readonly query: QueryFunc;
  readonly externalLabels: Labels;
  readonly externalURL: string;
  /** As Prometheus' --rules.alert.resend-delay: a firing alert is sent again after this long. */
  readonly resendDelayMs: number;
  /** Stores results and staleness markers, in evaluation order (later rules may read earlier rules' results). */
  append(samples: readonly CollectedSample[]): void;
  /** Alerts of one rule due for a notification. */
  notify(alerts: readonly Alert[], rule: AlertingRule, group: RuleGroup): void;
}

export interface RuleGroupOptions {
  readonly file: string;
  readonly name: string;
  readonly intervalMs: number;
  readonly queryOffsetMs: number;
  readonly limit: number;
  readonly rules: readonly Rule[];
}

export interface RuleGroup extends RuleGroupOptions {
  /** Start of the last evaluation, ms; undefined before the first. */
  readonly lastEvaluation: number | undefined;
  /** How long the last evaluation took, ms of wall time. */
  readonly evaluationTimeMs: number;
  /** Evaluates every rule in order at `ts`. */
  eval(ts: number, env: GroupEnv): void;
  /** The latest slot at or before `now` on this group's grid: interval-aligned plus a per-group offset. */
  evalTimestamp(now: number): number;
  /** Takes over alert state and written series from the group this one replaces on reload. */
  copyState(from: RuleGroup): void;
  /** The series each rule wrote at its last evaluation, and those of removed rules not yet marked stale. */
  seriesState(): { readonly byRule: readonly ReadonlyMap<string, Labels>[]; readonly orphaned: readonly Labels[] };
}

/** Every series a group wrote and has not marked stale: what to mark stale when the group goes away. */
export function writtenSeries(g: RuleGroup): Labels[] {
  const { byRule, orphaned } = g.seriesState();
  return [...byRule.flatMap((m) => [...m.values()]), ...orphaned];
}

/** A group's identity across reloads, as Prometheus' GroupKey. */
export function groupKey(file: string, name: string): string {
  return `${file};${name}`;
}

/**
 * 64-bit FNV-1a of the group's name and file: a stable offset within the interval, so that groups spread over the
 * interval instead of all running at :00, as Prometheus spreads them by a hash of the same two strings.
 */
function groupHash(name: string, file: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(`${name}\xff${file}`, 'utf8')) {
    h ^= BigInt(byte);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h;
}

/** A rule group (Prometheus' rules/group.go): rules evaluated one after the other at aligned timestamps. */
export function ruleGroup(opts: RuleGroupOptions, clock: () => number = () => performance.now()): RuleGroup {
  const offsetMs = Number(groupHash(opts.name, opts.file) % BigInt(Math.max(1, opts.intervalMs)));
  /** Per rule: the series it wrote last time, so that the ones it stops writing get a staleness marker. */
  const previous: Map<string, Labels>[] = opts.rules.map(() => new Map());
  /** Series of rules removed by a reload, marked stale at the next evaluation. */
  let orphaned: Labels[] = [];
  let lastEvaluation: number | undefined;
  let evaluationTimeMs = 0;

  const group: RuleGroup = {
    ...opts,
    get lastEvaluation() {
      return lastEvaluation;
    },
    get evaluationTimeMs() {
      return evaluationTimeMs;
    },
    evalTimestamp(now) {
      const adjusted = now - offsetMs;
      return adjusted - (((adjusted % opts.intervalMs) + opts.intervalMs) % opts.intervalMs) + offsetMs;
    },
    eval(ts, env) {
      const started = clock();
      lastEvaluation = ts;
      const ctx = { query: env.query, queryOffsetMs: opts.queryOffsetMs, limit: opts.limit, externalLabels: env.externalLabels, externalURL: env.externalURL };
      const staleAt = ts - opts.queryOffsetMs;
      opts.rules.forEach((rule, i) => {
        const ruleStarted = clock();
        rule.status.lastEvaluation = ts;
        try {
          const vector = rule.eval(ts, ctx);
          rule.status.health = 'ok';
          rule.status.lastError = undefined;
          if (rule.kind === 'alerting') {
            const due = (rule as AlertingRule).takeAlertsToSend(ts, env.resendDelayMs, opts.intervalMs);
            if (due.length > 0) env.notify(due, rule as AlertingRule, group);
          }
          const returned = new Map<string, Labels>();
          for (const s of vector) returned.set(labelsKey(s.labels), s.labels);
          const stale: CollectedSample[] = [];
          for (const [key, labels] of previous[i] as Map<string, Labels>) {
            if (!returned.has(key)) stale.push({ labels, t: staleAt, v: NaN, stale: true });
          }
          env.append([...vector, ...stale]);
          previous[i] = returned;
        } catch (err) {
          rule.status.health = 'err';
          rule.status.lastError = (err as Error).message;
        } finally {
          rule.status.evaluationTimeMs = clock() - ruleStarted;
        }
      });
      if (orphaned.length > 0) {
        env.append(orphaned.map((labels) => ({ labels, t: staleAt, v: NaN, stale: true })));
        orphaned = [];
      }
      evaluationTimeMs = clock() - started;
    },
    copyState(from) {
      lastEvaluation = from.lastEvaluation;
      evaluationTimeMs = from.evaluationTimeMs;
      const { byRule: fromPrevious, orphaned: fromOrphaned } = from.seriesState();
      // Rules match by name and labels; duplicates pair up in order, as in Prometheus' CopyState.
      const unmatched = new Map<string, number[]>();
      from.rules.forEach((r, i) => unmatched.set(ruleKey(r), [...(unmatched.get(ruleKey(r)) ?? []), i]));
      opts.rules.forEach((rule, i) => {
        const candidates = unmatched.get(ruleKey(rule)) ?? [];
        const fi = candidates.shift();
        if (fi === undefined) return;
        previous[i] = new Map(fromPrevious[fi]);
        const old = from.rules[fi] as Rule;
        if (rule.kind === 'alerting' && old.kind === 'alerting') {
          for (const [k, a] of (old as AlertingRule).active) (rule as AlertingRule).active.set(k, a);
        }
      });
      for (const indexes of unmatched.values()) for (const fi of indexes) orphaned.push(...(fromPrevious[fi]?.values() ?? []));
      orphaned.push(...fromOrphaned);
    },
    seriesState: () => ({ byRule: previous, orphaned }),
  };
  return group;
}

function ruleKey(r: Rule): string {
  return `${r.name}${labelsKey(r.labels)}`;
}
