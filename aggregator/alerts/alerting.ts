import { join } from 'node:path';
import type { Logger } from '../../protocol/log.ts';
import type { RuleSnapshot } from '../../protocol/rules.ts';
import type { EngineOptions } from '../../promql/engine.ts';
import { groupState } from '../../promql/rules/state.ts';
import type { RulesSource } from '../api/rules-view.ts';
import type { AggregatorConfig } from '../config.ts';
import type { AgentRegistry } from '../ingest/agent-registry.ts';
import type { Storage } from '../store/storage.ts';
import { openAlertStore } from './alert-store.ts';
import { startCentralRules } from './central-rules.ts';
import { startAlertForwarder, type AlertForwarder } from './forwarder.ts';

export interface Alerting {
  /** Ingest's hook for the rule state agents send. */
  onRules(agent: string, snapshot: RuleSnapshot): void;
  /** What /api/v1/rules and /api/v1/alerts show: central groups first, then each agent's. */
  readonly rules: RulesSource;
  close(): Promise<void>;
}

export interface AlertingDeps {
  readonly storage: Storage;
  readonly registry: AgentRegistry;
  readonly engine: EngineOptions;
  readonly log: Logger;
  readonly now: () => number;
}

/** The aggregator's alerting: agents' reported rule state, central rules, and forwarding to Alertmanager. */
export async function startAlerting(config: AggregatorConfig, deps: AlertingDeps): Promise<Alerting> {
  const store = await openAlertStore(join(config.dataDir, 'alerts'));
  const forwarder: AlertForwarder | undefined =
    config.alertmanagerUrls.length > 0
      ? startAlertForwarder({ urls: config.alertmanagerUrls, resendDelayMs: config.ruleResendDelayMs, log: deps.log, now: deps.now, agentGroups: () => store.groups() })
      : undefined;
  const central = startCentralRules(
    { ruleFiles: config.ruleFiles, evaluationIntervalMs: config.ruleEvaluationIntervalMs, resendDelayMs: config.ruleResendDelayMs, engine: deps.engine },
    { ...deps, notify: (alerts, rule) => forwarder?.notifyCentral(alerts, rule) },
  );
  if (forwarder) deps.log.info(`forwarding alerts to ${config.alertmanagerUrls.join(', ')}`);
  return {
    onRules(agent, snapshot) {
      store.apply(agent, snapshot);
      forwarder?.poke();
    },
    rules: {
      groups: () => [...central.groups().map((g) => ({ group: groupState(g) })), ...store.groups().map(({ agent, group }) => ({ agent, group }))],
    },
    async close() {
      central.close();
      await forwarder?.close();
      await store.close();
    },
  };
}
