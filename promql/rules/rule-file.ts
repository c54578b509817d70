import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { isValidLabelName, isValidMetricName, METRIC_NAME, type Labels } from '../../protocol/labels.ts';
import { parseDurationMs } from '../duration.ts';
import { parseExpr } from '../parse.ts';
import { exprString } from '../print.ts';
import type { AlertingRuleSpec } from './alerting.ts';
import { templateProblem } from './template/expand.ts';

/**
 * Prometheus' rule file format (https://prometheus.io/docs/prometheus/latest/configuration/recording_rules/),
 * read and checked as Prometheus 3's rulefmt does: unknown keys, bad durations, unparsable PromQL and templates are
 * all reported, each located as `file:line:col: group "g", rule 2, "Name": problem`.
 */
export interface RuleFileSpec {
  readonly file: string;
  readonly groups: readonly RuleGroupSpec[];
}

export interface RuleGroupSpec {
  readonly file: string;
  readonly name: string;
  /** Absent: the configured evaluation_interval applies. */
  readonly intervalMs: number | undefined;
  readonly queryOffsetMs: number | undefined;
  /** Most alerts or series a rule of this group may produce; 0 for no limit. */
  readonly limit: number;
  readonly rules: readonly RuleSpec[];
}

export type RuleSpec =
  | { readonly kind: 'recording'; readonly name: string; readonly query: string; readonly labels: Labels }
  | ({ readonly kind: 'alerting' } & AlertingRuleSpec);

/** Every problem found in rule files, each as `file: where: problem`; the message lists them, one a line. */
export class RuleFileError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'RuleFileError';
    // The message says all there is: where the mistake is. A stack trace would only bury it.
    this.stack = this.message;
  }

  static inFile(file: string, problems: readonly string[]): RuleFileError {
    return new RuleFileError(problems.map((p) => `${file}: ${p}`));
  }
}

const GROUP_KEYS = ['name', 'interval', 'query_offset', 'limit', 'rules', 'labels'];
const RULE_KEYS = ['record', 'alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations'];

export function readRuleFile(file: string): RuleFileSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw RuleFileError.inFile(file, [`cannot read the rule file: ${(err as Error).message}`]);
  }
  return parseRuleFile(file, text);
}

/** Parses and validates one rule file's text; throws RuleFileError listing every problem. */
export function parseRuleFile(file: string, text: string): RuleFileSpec {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const at = (node: Node | null | undefined) => {
    const pos = node?.range?.[0];
    if (pos === undefined) return '';
    const { line, col } = lines.linePos(pos);
    return `${line}:${col}: `;
  };
  const problems: string[] = [];
  if (doc.errors.length > 0) {
    const e = doc.errors[0] as (typeof doc.errors)[number];
    const { line, col } = lines.linePos(e.pos[0]);
    throw RuleFileError.inFile(file, [`${line}:${col}: invalid YAML: ${e.message.split('\n')[0]}`]);
  }
  const root = doc.contents as Node | null;
  if (root === null || (isScalar(root) && root.value === null)) return { file, groups: [] };
  const entries = (node: Node | null | undefined, allowed: readonly string[], what: string): Map<string, Node | null> => {
    const out = new Map<string, Node | null>();
    if (node == null || (isScalar(node) && node.value === null)) return out;
    if (!isMap(node)) {
      problems.push(`${at(node)}${what}: expected a mapping`);
      return out;
    }
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!allowed.includes(key)) problems.push(`${at(pair.key as Node)}field ${key} not found in ${what} (allowed: ${allowed.join(', ')})`);
      else out.set(key, (pair.value as Node | null) ?? null);
    }
    return out;
  };
  const scalarText = (node: Node | null | undefined): string | undefined => {
    if (node == null) return undefined;
    if (!isScalar(node) || typeof node.value === 'object') return undefined;
    return String(node.value);
  };
  const duration = (node: Node | null | undefined, where: string): number | undefined => {
    if (node == null || (isScalar(node) && node.value === null)) return undefined;
    const ms = parseDurationMs(scalarText(node) ?? '');
    if (ms === undefined) problems.push(`${at(node)}${where}: not a valid duration string: ${JSON.stringify(scalarText(node) ?? '')}`);
    return ms;
  };
  const stringMap = (node: Node | null | undefined, where: string): Record<string, string> => {
    const out: Record<string, string> = {};
    if (node == null || (isScalar(node) && node.value === null)) return out;
    if (!isMap(node)) {
      problems.push(`${at(node)}${where}: expected a mapping of name: value`);
      return out;
    }
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const value = scalarText(pair.value as Node);
      if (value === undefined) problems.push(`${at(pair.value as Node)}${where}.${key}: expected a string`);
      else out[key] = value;
    }
    return out;
  };

  const top = entries(root, ['groups'], 'the rule file');
  const groupsNode = top.get('groups');
  const groupNodes = groupsNode == null ? [] : isSeq(groupsNode) ? (groupsNode.items as Node[]) : (problems.push(`${at(groupsNode)}groups: expected a list`), []);
  const names = new Set<string>();
  const groups: RuleGroupSpec[] = [];
  for (const groupNode of groupNodes) {
    const g = entries(groupNode, GROUP_KEYS, 'rule group');
    const name = scalarText(g.get('name')) ?? '';
    if (name === '') problems.push(`${at(groupNode)}Groupname must not be empty`);
    else if (names.has(name)) problems.push(`${at(groupNode)}groupname: "${name}" is repeated in the same file`);
    names.add(name);
    const groupLabels = stringMap(g.get('labels'), 'labels');
    checkLabels(groupLabels, (p) => problems.push(p));
    let limit = 0;
    const limitNode = g.get('limit');
    if (limitNode != null) {
      const n = isScalar(limitNode) ? limitNode.value : undefined;
      if (typeof n !== 'number' || !Number.isInteger(n)) problems.push(`${at(limitNode)}limit: expected a whole number`);
      else limit = n;
    }
    const rulesNode = g.get('rules');
    const ruleNodes = rulesNode == null ? [] : isSeq(rulesNode) ? (rulesNode.items as Node[]) : (problems.push(`${at(rulesNode)}rules: expected a list`), []);
    const rules: RuleSpec[] = [];
    ruleNodes.forEach((ruleNode, i) => {
      const r = entries(ruleNode, RULE_KEYS, 'rule');
      const record = scalarText(r.get('record')) ?? '';
      const alert = scalarText(r.get('alert')) ?? '';
      const ruleProblem = (node: Node | null | undefined, problem: string) =>
        problems.push(`${at(node ?? ruleNode)}group ${JSON.stringify(name)}, rule ${i + 1}, ${JSON.stringify(alert || record)}: ${problem}`);
      const spec = readRule(r, record, alert, ruleProblem, duration);
      // Group labels (Prometheus 3) apply to every rule; a rule's own label of the same name wins.
      if (spec) rules.push({ ...spec, labels: { ...groupLabels, ...spec.labels } });
    });
    groups.push({
      file,
      name,
      intervalMs: duration(g.get('interval'), 'interval'),
      queryOffsetMs: duration(g.get('query_offset'), 'query_offset'),
      limit,
      rules,
    });
  }
  if (problems.length > 0) throw RuleFileError.inFile(file, problems);
  return { file, groups };

  function readRule(
    r: Map<string, Node | null>,
    record: string,
    alert: string,
    problem: (node: Node | null | undefined, message: string) => void,
    durationOf: typeof duration,
  ): RuleSpec | undefined {
    const before = problems.length;
    if (record !== '' && alert !== '') problem(r.get('record'), "only one of 'record' and 'alert' must be set");
    if (record === '' && alert === '') problem(undefined, "one of 'record' or 'alert' must be set");
    const exprText = scalarText(r.get('expr')) ?? '';
    let query = exprText;
    if (exprText === '') problem(r.get('expr'), "field 'expr' must be set in rule");
    else {
      try {
        query = exprString(parseExpr(exprText));
      } catch (err) {
        problem(r.get('expr'), `could not parse expression: ${(err as Error).message}`);
      }
    }
    const forMs = durationOf(r.get('for'), 'for') ?? 0;
    const keepFiringForMs = durationOf(r.get('keep_firing_for'), 'keep_firing_for') ?? 0;
    const labels = stringMap(r.get('labels'), 'labels');
    const annotations = stringMap(r.get('annotations'), 'annotations');
    if (record !== '') {
      if (Object.keys(annotations).length > 0) problem(r.get('record'), "invalid field 'annotations' in recording rule");
      if (forMs !== 0) problem(r.get('record'), "invalid field 'for' in recording rule");
      if (keepFiringForMs !== 0) problem(r.get('record'), "invalid field 'keep_firing_for' in recording rule");
      if (!isValidMetricName(record)) problem(r.get('record'), `invalid recording rule name: ${record}`);
    }
    checkLabels(labels, (p) => problem(undefined, p));
    for (const k of Object.keys(annotations)) if (!isValidLabelName(k)) problem(undefined, `invalid annotation name: ${k}`);
    if (alert !== '') {
      for (const [k, v] of Object.entries(labels)) {
        const bad = templateProblem(alert, v);
        if (bad) problem(undefined, `label ${JSON.stringify(k)}: ${bad}`);
      }
      for (const [k, v] of Object.entries(annotations)) {
        const bad = templateProblem(alert, v);
        if (bad) problem(undefined, `annotation ${JSON.stringify(k)}: ${bad}`);
      }
    }
    if (problems.length > before) return undefined;
    return record !== ''
      ? { kind: 'recording', name: record, query, labels }
      : { kind: 'alerting', name: alert, query, forMs, keepFiringForMs, labels, annotations };
  }
}

function checkLabels(labels: Labels, problem: (p: string) => void) {
  for (const k of Object.keys(labels)) if (!isValidLabelName(k) || k === METRIC_NAME) problem(`invalid label name: ${k}`);
}
