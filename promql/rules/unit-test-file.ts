import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import type { Labels } from '../../protocol/labels.ts';
import { formatDurationMs, parseDurationMs } from '../duration.ts';

/**
 * promtool's unit test file (https://prometheus.io/docs/prometheus/latest/configuration/unit_testing_rules/),
 * read as strictly as promtool reads it: an unknown key or a bad value fails the file.
 */
export interface UnitTestFile {
  readonly ruleFiles: readonly string[];
  readonly evaluationIntervalMs: number;
  readonly groupEvalOrder: readonly string[];
  readonly fuzzyCompare: boolean;
  readonly tests: readonly TestGroup[];
}

export interface TestGroup {
  readonly name: string;
  /** Absent: the file's evaluation_interval, as Prometheus 3 does. */
  readonly intervalMs: number | undefined;
  readonly inputSeries: readonly { readonly series: string; readonly values: string }[];
  readonly alertRuleTests: readonly AlertTestCase[];
  readonly promqlExprTests: readonly PromqlTestCase[];
  readonly externalLabels: Labels;
  readonly externalURL: string;
}

export interface AlertTestCase {
  readonly evalTimeMs: number;
  readonly evalTimeText: string;
  readonly alertname: string;
  readonly expAlerts: readonly { readonly labels: Labels; readonly annotations: Labels }[];
}

export interface PromqlTestCase {
  readonly expr: string;
  readonly evalTimeMs: number;
  readonly evalTimeText: string;
  readonly expSamples: readonly { readonly labels: string; readonly value: number }[];
}

export class UnitTestFileError extends Error {}

export function parseUnitTestFile(text: string): UnitTestFile {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) throw new UnitTestFileError(`yaml: ${(doc.errors[0] as Error).message.split('\n')[0]}`);
  const top = fields(doc.contents as Node | null, ['rule_files', 'evaluation_interval', 'group_eval_order', 'tests', 'fuzzy_compare'], 'unitTestFile');
  const interval = optionalDuration(top.get('evaluation_interval'), 'evaluation_interval');
  return {
    ruleFiles: strings(top.get('rule_files'), 'rule_files'),
    evaluationIntervalMs: interval?.ms || 60_000,
    groupEvalOrder: strings(top.get('group_eval_order'), 'group_eval_order'),
    fuzzyCompare: top.has('fuzzy_compare') ? bool(top.get('fuzzy_compare'), 'fuzzy_compare') : false,
    tests: items(top.get('tests'), 'tests').map(testGroup),
  };
}

function testGroup(node: Node | null): TestGroup {
  const g = fields(node, ['interval', 'input_series', 'alert_rule_test', 'promql_expr_test', 'external_labels', 'external_url', 'name'], 'testGroup');
  return {
    name: g.has('name') ? str(g.get('name'), 'name') : '',
    intervalMs: optionalDuration(g.get('interval'), 'interval')?.ms || undefined,
    inputSeries: items(g.get('input_series'), 'input_series').map((s) => {
      const f = fields(s, ['series', 'values'], 'series');
      return { series: f.has('series') ? str(f.get('series'), 'series') : '', values: f.has('values') ? str(f.get('values'), 'values') : '' };
    }),
    alertRuleTests: items(g.get('alert_rule_test'), 'alert_rule_test').map((a) => {
      const f = fields(a, ['eval_time', 'alertname', 'exp_alerts'], 'alertTestCase');
      const evalTime = optionalDuration(f.get('eval_time'), 'eval_time') ?? { ms: 0, text: '0s' };
      return {
        evalTimeMs: evalTime.ms,
        evalTimeText: evalTime.text,
        alertname: f.has('alertname') ? str(f.get('alertname'), 'alertname') : '',
        expAlerts: items(f.get('exp_alerts'), 'exp_alerts').map((e) => {
          const x = fields(e, ['exp_labels', 'exp_annotations'], 'alert');
          return { labels: stringMap(x.get('exp_labels'), 'exp_labels'), annotations: stringMap(x.get('exp_annotations'), 'exp_annotations') };
        }),
      };
    }),
    promqlExprTests: items(g.get('promql_expr_test'), 'promql_expr_test').map((p) => {
      const f = fields(p, ['expr', 'eval_time', 'exp_samples'], 'promqlTestCase');
      const evalTime = optionalDuration(f.get('eval_time'), 'eval_time') ?? { ms: 0, text: '0s' };
      return {
        expr: f.has('expr') ? str(f.get('expr'), 'expr') : '',
        evalTimeMs: evalTime.ms,
        evalTimeText: evalTime.text,
        expSamples: items(f.get('exp_samples'), 'exp_samples').map((s) => {
          const x = fields(s, ['labels', 'value', 'histogram'], 'sample');
          if (x.has('histogram')) throw new UnitTestFileError('exp_samples: native histograms are not supported by Outpost');
          return { labels: x.has('labels') ? str(x.get('labels'), 'labels') : '', value: x.has('value') ? float(x.get('value'), 'value') : 0 };
        }),
      };
    }),
    externalLabels: stringMap(g.get('external_labels'), 'external_labels'),
    externalURL: g.has('external_url') ? str(g.get('external_url'), 'external_url') : '',
  };
}

const isNull = (node: Node | null | undefined) => node == null || (isScalar(node) && node.value === null);

function fields(node: Node | null | undefined, allowed: readonly string[], type: string): Map<string, Node | null> {
  const out = new Map<string, Node | null>();
  if (isNull(node)) return out;
  if (!isMap(node)) throw new UnitTestFileError(`yaml: cannot unmarshal into ${type}: expected a mapping`);
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!allowed.includes(key)) throw new UnitTestFileError(`yaml: unmarshal errors:\n  field ${key} not found in type main.${type}`);
    out.set(key, (pair.value as Node | null) ?? null);
  }
  return out;
}

function items(node: Node | null | undefined, what: string): (Node | null)[] {
  if (isNull(node)) return [];
  if (!isSeq(node)) throw new UnitTestFileError(`yaml: ${what}: expected a list`);
  return node.items as (Node | null)[];
}

function str(node: Node | null | undefined, what: string): string {
  if (isNull(node)) return '';
  if (!isScalar(node) || typeof node.value === 'object') throw new UnitTestFileError(`yaml: ${what}: expected a string`);
  return String(node.value);
}

function bool(node: Node | null | undefined, what: string): boolean {
  if (!isScalar(node) || typeof node.value !== 'boolean') throw new UnitTestFileError(`yaml: ${what}: expected true or false`);
  return node.value;
}

function float(node: Node | null | undefined, what: string): number {
  if (!isScalar(node) || typeof node.value !== 'number') throw new UnitTestFileError(`yaml: ${what}: expected a number`);
  return node.value;
}

function strings(node: Node | null | undefined, what: string): string[] {
  return items(node, what).map((n) => str(n, what));
}

function stringMap(node: Node | null | undefined, what: string): Record<string, string> {
  if (isNull(node)) return {};
  if (!isMap(node)) throw new UnitTestFileError(`yaml: ${what}: expected a mapping`);
  return Object.fromEntries(node.items.map((p) => [isScalar(p.key) ? String(p.key.value) : '', str(p.value as Node, what)]));
}

function optionalDuration(node: Node | null | undefined, what: string): { ms: number; text: string } | undefined {
  if (isNull(node)) return undefined;
  const text = str(node, what);
  const ms = parseDurationMs(text);
  if (ms === undefined) throw new UnitTestFileError(`${what}: not a valid duration string: ${JSON.stringify(text)}`);
  // Printed back as Prometheus' model.Duration prints itself (`60m` as `1h`).
  return { ms, text: formatDurationMs(ms) };
}
