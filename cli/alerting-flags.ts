import { DEFAULT_AGGREGATOR, type AggregatorConfig } from '../aggregator/config.ts';
import { UsageError, type FlagSpecs, type FlagValues } from './flags.ts';

/** The aggregator's rules and alert forwarding, named as Prometheus' own flags: README "Alerts". */
export const alertingFlags = {
  'alertmanager.url': {
    kind: 'string',
    description: "Alertmanager to forward the aggregator's and every agent's alerts to (base URL, e.g. http://alertmanager:9093; comma-separated for several)",
  },
  'rules.file': { kind: 'string', description: 'central rule files (Prometheus format; a glob), evaluated over the store besides the built-in agent-offline rule' },
  'rules.evaluation-interval': {
    kind: 'duration',
    description: 'evaluation interval of central rule groups that name none',
    default: `${DEFAULT_AGGREGATOR.ruleEvaluationIntervalMs / 60_000}m`,
  },
  'rules.alert.resend-delay': {
    kind: 'duration',
    description: 'how often a firing alert is sent to Alertmanager again',
    default: `${DEFAULT_AGGREGATOR.ruleResendDelayMs / 60_000}m`,
  },
} satisfies FlagSpecs;

export type AlertingSettings = Pick<AggregatorConfig, 'alertmanagerUrls' | 'ruleFiles' | 'ruleEvaluationIntervalMs' | 'ruleResendDelayMs'>;

export function alertingFrom(values: FlagValues): AlertingSettings {
  const urls = ((values['alertmanager.url'] as string | undefined) ?? '').split(',').map((u) => u.trim()).filter((u) => u !== '');
  const bad = urls.find((u) => !/^https?:\/\/[^/]/.test(u));
  if (bad !== undefined) throw new UsageError(`--alertmanager.url ${JSON.stringify(bad)}: expected an http:// or https:// URL`);
  const ruleFile = values['rules.file'] as string | undefined;
  return {
    alertmanagerUrls: urls,
    ruleFiles: ruleFile === undefined ? [] : [ruleFile],
    ruleEvaluationIntervalMs: (values['rules.evaluation-interval'] as number | undefined) ?? DEFAULT_AGGREGATOR.ruleEvaluationIntervalMs,
    ruleResendDelayMs: (values['rules.alert.resend-delay'] as number | undefined) ?? DEFAULT_AGGREGATOR.ruleResendDelayMs,
  };
}
