// Parsing and validation of relabel_configs / metric_relabel_configs rules, following Prometheus'
// model/relabel Config.UnmarshalYAML and Validate: same defaults, same checks in the same order, same wording.
// Label names are checked with Prometheus' legacy rule ([a-zA-Z_][a-zA-Z0-9_]*), which is what this project's
// label model (protocol/labels.ts) stores; Prometheus 3.x only differs under its UTF-8 name scheme.

import { GoRegexError, compileGoRegex } from './relabel-regex.ts';

export type RelabelAction =
  | 'replace' | 'keep' | 'drop' | 'keepequal' | 'dropequal' | 'hashmod'
  | 'labelmap' | 'labeldrop' | 'labelkeep' | 'lowercase' | 'uppercase';

export interface RelabelRule {
  action: RelabelAction;
  sourceLabels: string[];
  separator: string;
  targetLabel: string;
  /** Anchored (`^(?:…)$`), translated from Go's RE2 syntax; `.` matches newlines as in Prometheus 3. */
  regex: RegExp;
  /** The regex as configured, before anchoring and translation. */
  regexSource: string;
  modulus: number;
  replacement: string;
}

export class RelabelConfigError extends Error {
  override name = 'RelabelConfigError';
}

const ACTIONS: readonly RelabelAction[] = [
  'replace', 'keep', 'drop', 'keepequal', 'dropequal', 'hashmod',
  'labelmap', 'labeldrop', 'labelkeep', 'lowercase', 'uppercase',
];
const KEYS = ['source_labels', 'separator', 'target_label', 'regex', 'modulus', 'replacement', 'action'];
const DEFAULTS = { separator: ';', regex: '(.*)', replacement: '$1', action: 'replace' } as const;

/** Prometheus' legacy label name rule (model.LabelName.IsValid); no length cap, unlike protocol/labels.ts. */
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/**
 * A name that may hold `$1`/`${name}` references (Prometheus' relabelTarget). Theirs is
 * `^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$`; this accepts the same strings without the nested repeats that
 * make a backtracking engine exponential: `$\w+` followed by `\w*` is just `$\w` followed by `\w*`.
 */
const NAME_WITH_VARS = /^(?:[a-zA-Z_]|\$(?:\{\w+\}|\w))(?:\w|\$(?:\{\w+\}|\w))*$/;

const NEEDS_TARGET = new Set<RelabelAction>(['replace', 'hashmod', 'lowercase', 'uppercase', 'keepequal', 'dropequal']);
const TARGET_IS_NAME = new Set<RelabelAction>(['lowercase', 'uppercase', 'keepequal', 'dropequal']);

export function parseRelabelRules(raw: unknown, where: string): RelabelRule[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new RelabelConfigError(`${where}: expected a list of relabel rules`);
  return raw.map((item, i) => {
    // Prometheus: "empty or null target relabeling rule".
    if (item === null || item === undefined) throw new RelabelConfigError(`${where}[${i}]: empty or null relabeling rule`);
    return parseRelabelRule(item, `${where}[${i}]`);
  });
}

export function parseRelabelRule(raw: unknown, where: string): RelabelRule {
  const fail = (key: string | undefined, problem: string): never => {
    throw new RelabelConfigError(`${key === undefined ? where : `${where}.${key}`}: ${problem}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(undefined, 'expected a mapping of relabel rule fields');
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!KEYS.includes(key)) fail(key, `unknown key; allowed here: ${KEYS.join(', ')}`);
  }
  const has = (key: string) => obj[key] !== undefined;

  // Go's YAML decoder writes a scalar's text into a string field, and a null resets it to "" (not the default).
  const text = (key: string, fallback: string): string => {
    const v = obj[key];
    if (v === undefined) return fallback;
    if (v === null) return '';
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
    return fail(key, 'expected a string');
  };

  const actionText = text('action', DEFAULTS.action);
  const action = actionText.toLowerCase() as RelabelAction;
  if (actionText === '') {
    if (obj.action !== null) fail('action', 'unknown relabel action ""');
  } else if (!ACTIONS.includes(action)) {
    fail('action', `unknown relabel action ${JSON.stringify(actionText)}`);
  }

  let sourceLabels: string[] = [];
  if (obj.source_labels !== undefined && obj.source_labels !== null) {
    if (!Array.isArray(obj.source_labels)) fail('source_labels', 'expected a list of label names');
    sourceLabels = (obj.source_labels as unknown[]).map((n, i) => {
      const name = typeof n === 'string' || typeof n === 'number' || typeof n === 'boolean' ? String(n) : undefined;
      if (name === undefined || !LABEL_NAME.test(name)) fail(`source_labels[${i}]`, `${JSON.stringify(n)} is not a valid label name`);
      return name as string;
    });
  }

  let modulus = 0;
  const m = obj.modulus;
  if (m !== undefined && m !== null) {
    const n = typeof m === 'bigint' ? Number(m) : m;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      fail('modulus', `expected a non-negative integer up to ${Number.MAX_SAFE_INTEGER}, got ${JSON.stringify(String(m))}`);
    }
    modulus = n as number;
  }

  const separator = text('separator', DEFAULTS.separator);
  const targetLabel = text('target_label', '');
  const replacement = text('replacement', DEFAULTS.replacement);
  // `regex:` left empty or null compiles "" (matches only the empty string), as Prometheus does.
  const regexSource = text('regex', DEFAULTS.regex);
  let regex: RegExp;
  try {
    regex = compileGoRegex(regexSource);
  } catch (err) {
    if (err instanceof GoRegexError) fail('regex', err.message);
    throw err;
  }

  // Prometheus' Validate, check for check.
  const invalidTarget = () => fail('target_label', `${JSON.stringify(targetLabel)} is invalid 'target_label' for ${action} action`);
  if (actionText === '') fail('action', 'relabel action cannot be empty');
  if (action === 'hashmod' && modulus === 0) fail('modulus', 'relabel configuration for hashmod requires non-zero modulus');
  if (NEEDS_TARGET.has(action) && targetLabel === '') {
    fail('target_label', `relabel configuration for ${action} action requires 'target_label' value`);
  }
  if (action === 'replace' && !(targetLabel.includes('$') ? NAME_WITH_VARS : LABEL_NAME).test(targetLabel)) invalidTarget();
  if (TARGET_IS_NAME.has(action) && !LABEL_NAME.test(targetLabel)) invalidTarget();
  if (TARGET_IS_NAME.has(action) && replacement !== DEFAULTS.replacement) {
    fail('replacement', `'replacement' can not be set for ${action} action`);
  }
  if (action === 'labelmap' && !NAME_WITH_VARS.test(replacement)) {
    fail('replacement', `${JSON.stringify(replacement)} is invalid 'replacement' for ${action} action`);
  }
  if (action === 'hashmod' && !LABEL_NAME.test(targetLabel)) invalidTarget();
  // Prometheus compares the regex by identity with its default, so even an explicit `regex: (.*)` counts as set.
  if ((action === 'keepequal' || action === 'dropequal') &&
    (has('regex') || modulus !== 0 || separator !== DEFAULTS.separator || replacement !== DEFAULTS.replacement)) {
    fail(undefined, `${action} action requires only 'source_labels' and \`target_label\`, and no other fields`);
  }
  if ((action === 'labeldrop' || action === 'labelkeep') &&
    ((obj.source_labels !== undefined && obj.source_labels !== null) || targetLabel !== '' || modulus !== 0 ||
      separator !== DEFAULTS.separator || replacement !== DEFAULTS.replacement)) {
    fail(undefined, `${action} action requires only 'regex', and no other fields`);
  }

  return { action, sourceLabels, separator, targetLabel, regex, regexSource, modulus, replacement };
}
