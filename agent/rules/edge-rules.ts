import type { CollectedSample } from '../../protocol/batch.ts';
import type { Labels } from '../../protocol/labels.ts';
import type { Logger } from '../../protocol/log.ts';
import type { RuleSnapshot } from '../../protocol/rules.ts';
import type { Alert, AlertingRule } from '../../promql/rules/alerting.ts';
import { groupKey, type GroupEnv, type RuleGroup } from '../../promql/rules/group.ts';
import { buildGroups, expandGlob, loadRuleFiles } from '../../promql/rules/load.ts';
import { createRuleManager } from '../../promql/rules/manager.ts';
import { alertmanagerSender, toAlertmanagerAlert, type AlertmanagerSender } from '../../promql/rules/notify.ts';
import { engineQueryFunc } from '../../promql/rules/query.ts';
import { DEFAULT_RESTORE, restoreForState } from '../../promql/rules/restore.ts';
import { groupFingerprint, groupState } from '../../promql/rules/state.ts';
import type { Batcher } from '../buffer/batcher.ts';
import type { EdgeRulesConfig } from './config.ts';
import { ForStateFile } from './for-state-file.ts';
import { alertHook, type AlertHook } from './hook.ts';
import { localWindow, teeToWindow, type LocalWindow } from './local-window.ts';

export interface EdgeRulesDeps {
  readonly agentId: string;
  readonly log: Logger;
  readonly now: () => number;
  /** Ships rule results like collected samples (the batcher behind the window, so they are not stored twice). */
  readonly ship: (samples: CollectedSample[]) => void;
  /** Queues rule state durably for the aggregator (the MQTT path); resolves once it is in the queue. */
  readonly queueSnapshot: (snapshot: RuleSnapshot) => Promise<void>;
  readonly fetch?: typeof fetch;
  /** Where the alerts' activeAt are kept across restarts (for-state-file.ts); without it a restart starts them afresh. */
  readonly forStateFile?: string;
}

export interface EdgeRules {
  /** A batcher that also feeds the local window the rules read. */
  tee(batcher: Batcher): Batcher;
  /**
   * Loads the configured rule files. Every file is checked first: on any error this throws RuleFileError (file,
   * group, rule and the PromQL error position) and the rules already running keep running.
   */
  apply(config: EdgeRulesConfig): void;
  readonly window: LocalWindow;
  close(): Promise<void>;
}

/** The full rule state goes out this often, so the aggregator's view heals whatever it missed. */
const SNAPSHOT_REFRESH_MS = 5 * 60_000;
/** How long stopping waits for notifications still being sent. */
const CLOSE_WAIT_MS = 3_000;
/** The window is trimmed at most this often: trimming walks every series. */
const TRUNCATE_EVERY_MS = 60_000;

/**
 * Edge rules: Prometheus rule groups evaluated by the agent over its local window, whether or not it is connected.
 * Results are shipped as samples; alerts go to Alertmanager directly, to a local hook, and (as rule state with
 * their original times) through the durable queue to the aggregator.
 */
export function startEdgeRules(initial: EdgeRulesConfig, deps: EdgeRulesDeps): EdgeRules {
  const { log, now } = deps;
  let config = initial;
  const window = localWindow(config);
  let sender: AlertmanagerSender | undefined;
  let hook: AlertHook | undefined;
  let externalLabels: Labels = {};
  let truncatedAt = 0;
  let refusedLogged = 0;
  const shipped = new Map<string, string>();
  let hasRules = false;
  const forState = deps.forStateFile === undefined ? undefined : new ForStateFile(deps.forStateFile, log);
  /** Groups evaluated since start: the first evaluation of each gets its alerts' saved state back. */
  const started = new Set<string>();

  /** Prometheus' RestoreForState, from what this agent saved before it went down. */
  const restore = (group: RuleGroup, key: string) => {
    const saved = forState?.saved(key);
    if (!saved || group.intervalMs > DEFAULT_RESTORE.outageToleranceMs) return;
    const t = now();
    const restored = group.rules.reduce((n, r) => n + (r.kind === 'alerting' ? restoreForState(r as AlertingRule, saved, t) : 0), 0);
    if (restored > 0) log.info(`edge rules: group ${group.name}: ${restored} alerts go on from their state before the restart (down ${Math.round((t - saved.downAt) / 1000)} s)`);
  };

  const queueSnapshot = (groups: readonly RuleGroup[], complete: boolean) => {
    const snapshot: RuleSnapshot = { t: now(), complete, externalLabels, groups: groups.map(groupState) };
    deps.queueSnapshot(snapshot).catch((err: Error) => log.error(`could not queue the rule state for the aggregator: ${err.message}`));
  };

  const notify = (alerts: readonly Alert[], rule: AlertingRule) => {
    const am = alerts.map((a) => toAlertmanagerAlert(a, rule.query, externalLabels, ''));
    sender?.send(am);
    hook?.notify(am.map((x, i) => ({ status: (alerts[i] as Alert).resolvedAt === undefined ? 'firing' : 'resolved', ...x, value: (alerts[i] as Alert).value })), now());
  };

  const env: GroupEnv = {
    query: engineQueryFunc(window),
    get externalLabels() {
      return externalLabels;
    },
    externalURL: '',
    get resendDelayMs() {
      return config.resendDelayMs;
    },
    append(samples) {
      window.append(samples);
      // Outside the agent, as in Prometheus' remote write, results carry the external labels; inside they do not.
      deps.ship(samples.map((s) => ({ ...s, labels: { ...externalLabels, ...s.labels } })));
    },
    notify,
  };

  const manager = createRuleManager({
    env,
    now,
    onEvaluated(group) {
      const key = groupKey(group.file, group.name);
      if (!started.has(key)) {
        started.add(key);
        restore(group, key);
      }
      forState?.record(key, group, group.lastEvaluation ?? now());
      const state = groupState(group);
      const fingerprint = groupFingerprint(state);
      if (shipped.get(key) === fingerprint) return;
      shipped.set(key, fingerprint);
      deps.queueSnapshot({ t: now(), complete: false, externalLabels, groups: [state] }).catch((err: Error) => log.error(`could not queue the rule state for the aggregator: ${err.message}`));
    },
  });

  const refresh = setInterval(() => {
    if (hasRules) queueSnapshot(manager.groups(), true);
  }, SNAPSHOT_REFRESH_MS);
  refresh.unref();

  function apply(next: EdgeRulesConfig) {
    const files = loadRuleFiles(next.ruleFiles, next.baseDir);
    for (const pattern of next.ruleFiles) {
      if (expandGlob(pattern, next.baseDir).length === 0) log.warn(`rule_files: no file matches ${pattern}`);
    }
    const groups = buildGroups(files, { intervalMs: next.evaluationIntervalMs });
    if (next.alertmanagers.join('\n') !== config.alertmanagers.join('\n') || !sender) {
      sender = next.alertmanagers.length > 0 ? alertmanagerSender({ urls: next.alertmanagers, log, ...(deps.fetch ? { fetch: deps.fetch } : {}) }) : undefined;
    }
    if (JSON.stringify(next.hook) !== JSON.stringify(config.hook) || (next.hook && !hook)) hook = next.hook ? alertHook(next.hook, log) : undefined;
    config = next;
    externalLabels = { agent: deps.agentId, ...next.externalLabels };
    window.setLimits(next);
    manager.update(groups);
    shipped.clear();
    if (groups.length > 0 || hasRules) queueSnapshot(groups, true);
    hasRules = groups.length > 0;
    if (!hasRules) window.truncate(Number.MAX_SAFE_INTEGER);
    const rules = groups.reduce((n, g) => n + g.rules.length, 0);
    if (next.ruleFiles.length > 0) log.info(`edge rules: ${rules} rules in ${groups.length} groups from ${files.length} files`);
  }

  apply(initial);

  const feed = (samples: readonly CollectedSample[]) => {
    // Without rules nothing reads the window: keep it empty rather than hold an hour of data for nobody.
    if (!hasRules) return;
    window.append(samples);
    const t = now();
    if (t - truncatedAt >= TRUNCATE_EVERY_MS) {
      truncatedAt = t;
      window.truncate(t);
      if (window.refusedSamples > refusedLogged) {
        log.warn(`local window full (rules.max_series ${config.maxSeries}): ${window.refusedSamples - refusedLogged} samples of new series not kept for edge rules`);
        refusedLogged = window.refusedSamples;
      }
    }
  };

  return {
    tee: (batcher) => teeToWindow(batcher, { append: feed }),
    apply,
    window,
    async close() {
      clearInterval(refresh);
      manager.stop();
      // Bounded: an unreachable Alertmanager must not hold the agent's shutdown for its retries.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all([sender?.flush(), hook?.idle()]), new Promise((r) => (timer = setTimeout(r, CLOSE_WAIT_MS)))]);
      clearTimeout(timer);
    },
  };
}
