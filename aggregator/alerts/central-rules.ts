import type { CollectedSample, Sample } from '../../protocol/batch.ts';
import { labelsKey, type Labels } from '../../protocol/labels.ts';
import type { Logger } from '../../protocol/log.ts';
import type { EngineOptions } from '../../promql/engine.ts';
import type { Alert, AlertingRule } from '../../promql/rules/alerting.ts';
import type { RuleGroup } from '../../promql/rules/group.ts';
import { buildGroups, loadRuleFiles } from '../../promql/rules/load.ts';
import { createRuleManager } from '../../promql/rules/manager.ts';
import { engineQueryFunc } from '../../promql/rules/query.ts';
import { parseRuleFile, type RuleFileSpec } from '../../promql/rules/rule-file.ts';
import type { AgentRegistry } from '../ingest/agent-registry.ts';
import type { Storage } from '../store/storage.ts';

/**
 * The rules an edge box cannot evaluate about itself. `outpost_agent_up` is the registry's view (1 while the
 * agent's MQTT session is up, 0 after its Last Will or clean "offline"), written every few seconds.
 */
export const BUILTIN_RULES_FILE = '<outpost built-in>';
const BUILTIN_RULES = `
groups:
  - name: outpost-central
    interval: 15s
    rules:
      - alert: OutpostAgentOffline
        expr: outpost_agent_up == 0
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: "Agent {{ $labels.agent }} is offline"
          description: "Agent {{ $labels.agent }} has been disconnected from the broker for 5 minutes (last seen {{ with query (printf \\"outpost_agent_last_seen_timestamp_seconds{agent='%s'}\\" $labels.agent) }}{{ . | first | value | humanizeTimestamp }}{{ end }}). Its edge rules keep running; their alerts arrive when it reconnects."
`;

/** The built-in group, checked like any rule file. */
export function builtinRuleFile(): RuleFileSpec {
  return parseRuleFile(BUILTIN_RULES_FILE, BUILTIN_RULES);
}

/** Where the registry's view is written as samples; it counts against this source's series limit only. */
const SOURCE = 'outpost-aggregator';

export interface CentralRulesOptions {
  readonly ruleFiles: readonly string[];
  readonly evaluationIntervalMs: number;
  readonly resendDelayMs: number;
  readonly engine: EngineOptions;
}

export interface CentralRulesDeps {
  readonly storage: Storage;
  readonly registry: AgentRegistry;
  readonly log: Logger;
  readonly now: () => number;
  /** Alerts of the aggregator's own rules due for a notification. */
  readonly notify: (alerts: readonly Alert[], rule: AlertingRule) => void;
}

export interface CentralRules {
  groups(): readonly RuleGroup[];
  close(): void;
}

/** Writes rule results (and the registry's view) into the store, as one unnumbered write per call. */
function writer(storage: Storage, log: Logger) {
  return (samples: readonly CollectedSample[]) => {
    if (samples.length === 0) return;
    const index = new Map<string, number>();
    const series: Labels[] = [];
    const out: Sample[] = samples.map((s) => {
      const key = labelsKey(s.labels);
      let i = index.get(key);
      if (i === undefined) {
        index.set(key, (i = series.length));
        series.push(s.labels);
      }
      return { series: i, t: s.t, v: s.v, stale: s.stale === true };
    });
    storage.appendSamples(SOURCE, series, out).catch((err: Error) => log.warn(`could not store rule results: ${err.message}`));
  };
}

/** The registry as samples: `outpost_agent_up{agent}` and `outpost_agent_last_seen_timestamp_seconds{agent}`. */
export function agentSamples(registry: AgentRegistry, t: number): CollectedSample[] {
  return registry.list().flatMap((a) => [
    { labels: { __name__: 'outpost_agent_up', agent: a.agent }, t, v: a.online ? 1 : 0 },
    ...(a.lastSeen === null ? [] : [{ labels: { __name__: 'outpost_agent_last_seen_timestamp_seconds', agent: a.agent }, t, v: a.lastSeen / 1000 }]),
  ]);
}

/**
 * Rules the aggregator evaluates over its store: the built-in group (agents offline) and --rules.file. Bad rule
 * files stop the start, as in Prometheus.
 */
export function startCentralRules(opts: CentralRulesOptions, deps: CentralRulesDeps): CentralRules {
  const files = [builtinRuleFile(), ...loadRuleFiles(opts.ruleFiles)];
  const groups = buildGroups(files, { intervalMs: opts.evaluationIntervalMs });
  const write = writer(deps.storage, deps.log);
  const manager = createRuleManager({
    now: deps.now,
    env: {
      query: engineQueryFunc(deps.storage, opts.engine),
      externalLabels: {},
      externalURL: '',
      resendDelayMs: opts.resendDelayMs,
      append: write,
      notify: (alerts, rule) => deps.notify(alerts, rule),
    },
  });
  manager.update(groups);
  // Often enough that a 15 s rule group always finds a fresh value within its lookback.
  const sampler = setInterval(() => write(agentSamples(deps.registry, deps.now())), 5_000);
  sampler.unref();
  write(agentSamples(deps.registry, deps.now()));
  return {
    groups: () => manager.groups(),
    close() {
      clearInterval(sampler);
      manager.stop();
    },
  };
}
