import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { labelsKey, sortedPairs, type Labels } from '../../protocol/labels.ts';
import { compareLabels } from '../functions/misc.ts';
import { memoryStorage, type MemoryStorage } from '../memory-storage.ts';
import { NotationError, parseLabelsPrefix, parseSequence } from '../promqltest/series-notation.ts';
import type { AlertingRule } from './alerting.ts';
import type { GroupEnv, RuleGroup } from './group.ts';
import { buildGroups, expandGlob } from './load.ts';
import { engineQueryFunc } from './query.ts';
import { readRuleFile, RuleFileError, type RuleFileSpec } from './rule-file.ts';
import { formatGoFloat } from './template/go-float.ts';
import { parseUnitTestFile, UnitTestFileError, type TestGroup, type UnitTestFile } from './unit-test-file.ts';

/** The verdict on one unit test file: no errors means it passed, as promtool's exit status says. */
export interface UnitTestReport {
  readonly file: string;
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

const LOOKBACK_MS = 5 * 60_000;

/** Runs one file of promtool's unit test format (`promtool test rules`) against Outpost's rule engine. */
export function runUnitTestFile(file: string): UnitTestReport {
  const warnings: string[] = [];
  let spec: UnitTestFile;
  try {
    spec = parseUnitTestFile(readFileSync(file, 'utf8'));
  } catch (err) {
    if (err instanceof UnitTestFileError || (err as NodeJS.ErrnoException).code !== undefined) return { file, errors: [(err as Error).message], warnings };
    throw err;
  }
  const ruleFiles = spec.ruleFiles.flatMap((pattern) => {
    const full = isAbsolute(pattern) ? pattern : join(dirname(file), pattern);
    const matches = expandGlob(full);
    if (matches.length === 0) warnings.push(`no file match pattern ${full}`);
    return matches;
  });
  const seen = new Set<string>();
  for (const name of spec.groupEvalOrder) {
    if (seen.has(name)) return { file, errors: [`group name repeated in evaluation order: ${name}`], warnings };
    seen.add(name);
  }
  const errors = spec.tests.flatMap((tg) => runTestGroup(tg, spec, ruleFiles));
  return { file, errors, warnings };
}

function runTestGroup(tg: TestGroup, spec: UnitTestFile, ruleFiles: readonly string[]): string[] {
  const evalInterval = spec.evaluationIntervalMs;
  const loadInterval = tg.intervalMs ?? evalInterval;
  let pending: { labels: Labels; t: number; v: number; stale: boolean }[];
  try {
    pending = inputSamples(tg, loadInterval);
  } catch (err) {
    if (err instanceof NotationError) return [err.message];
    throw err;
  }
  const storage = memoryStorage();
  let files: RuleFileSpec[];
  try {
    files = ruleFiles.map(readRuleFile);
  } catch (err) {
    if (err instanceof RuleFileError) return [...err.problems];
    throw err;
  }
  const order = new Map(spec.groupEvalOrder.map((name, i) => [name, i]));
  const groups = buildGroups(files, { intervalMs: loadInterval }).sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
  const env: GroupEnv = {
    query: engineQueryFunc(storage, { lookbackMs: LOOKBACK_MS, subqueryStepMs: evalInterval }),
    externalLabels: tg.externalLabels,
    externalURL: tg.externalURL,
    resendDelayMs: 60_000,
    append: (samples) => samples.forEach((s) => storage.append(s.labels, s.t, s.v, s.stale === true)),
    notify: () => {},
  };
  const named = tg.name === '' ? '' : `    name: ${tg.name},\n`;
  const errs: string[] = [];
  for (const a of tg.alertRuleTests) {
    if (a.alertname === '') return [`an item under alert_rule_test misses required attribute alertname at eval_time ${a.evalTimeText}${tg.name ? ` (in TestGroup ${tg.name})` : ''}`];
  }
  const evalTimes = [...new Set(tg.alertRuleTests.map((a) => a.evalTimeMs))].sort((a, b) => a - b);
  const maxt = Math.max(0, ...tg.alertRuleTests.map((a) => a.evalTimeMs), ...tg.promqlExprTests.map((p) => p.evalTimeMs));
  let curr = 0;
  for (let ts = 0; ts <= maxt; ts += evalInterval) {
    pending = appendTill(storage, pending, ts);
    const evalErrs: string[] = [];
    for (const g of groups) {
      g.eval(ts, env);
      for (const r of g.rules) if (r.status.health === 'err') evalErrs.push(`    rule: ${r.name}, time: ${goDuration(ts)}, err: ${r.status.lastError}`);
    }
    if (evalErrs.length > 0) return [...errs, ...evalErrs];
    // Alert tests at eval_time are checked against the evaluation at the latest ts <= eval_time.
    for (; curr < evalTimes.length && ts <= (evalTimes[curr] as number) && (evalTimes[curr] as number) < ts + evalInterval; curr++) {
      const t = evalTimes[curr] as number;
      for (const testcase of tg.alertRuleTests.filter((a) => a.evalTimeMs === t)) {
        const got = firingAlerts(groups, testcase.alertname);
        const exp = testcase.expAlerts.map((e) => ({ labels: { ...e.labels, alertname: testcase.alertname }, annotations: e.annotations })).sort(compareAlerts);
        if (!sameAlerts(exp, got)) {
          errs.push(`${named}    alertname: ${testcase.alertname}, time: ${testcase.evalTimeText}, \n        exp:${alertsString(exp)}, \n        got:${alertsString(got)}`);
        }
      }
    }
  }
  for (const p of tg.promqlExprTests) errs.push(...checkExpr(p, env, spec.fuzzyCompare));
  return errs;
}

function inputSamples(tg: TestGroup, intervalMs: number) {
  return tg.inputSeries.flatMap((s) => {
    const { labels, rest } = parseLabelsPrefix(s.series.trim());
    if (rest.trim() !== '') throw new NotationError(`invalid series ${JSON.stringify(s.series)}`);
    return parseSequence(s.values).flatMap((v, i) => {
      if (v.kind === 'omitted') return [];
      if (v.kind === 'histogram') throw new NotationError('native histograms are not supported by Outpost');
      return [{ labels, t: i * intervalMs, v: v.kind === 'float' ? v.v : NaN, stale: v.kind === 'stale' }];
    });
  });
}

/** The LazyLoader's appendTill: input samples become visible as the evaluation time reaches them. */
function appendTill(storage: MemoryStorage, pending: { labels: Labels; t: number; v: number; stale: boolean }[], ts: number) {
  const rest: typeof pending = [];
  for (const s of pending) {
    if (s.t <= ts) storage.append(s.labels, s.t, s.v, s.stale);
    else rest.push(s);
  }
  return rest;
}

interface LabelsAndAnnotations {
  readonly labels: Labels;
  readonly annotations: Labels;
}

const compareAlerts = (a: LabelsAndAnnotations, b: LabelsAndAnnotations) => compareLabels(a.labels, b.labels) || compareLabels(a.annotations, b.annotations);

function firingAlerts(groups: readonly RuleGroup[], alertname: string): LabelsAndAnnotations[] {
  const out: LabelsAndAnnotations[] = [];
  for (const g of groups) {
    for (const r of g.rules) {
      if (r.kind !== 'alerting' || r.name !== alertname) continue;
      for (const a of (r as AlertingRule).active.values()) {
        if (a.state === 'firing' && a.resolvedAt === undefined) out.push({ labels: a.labels, annotations: a.annotations });
      }
    }
  }
  return out.sort(compareAlerts);
}

const exactKey = (l: Labels) => JSON.stringify(Object.keys(l).sort().map((k) => [k, l[k]]));

function sameAlerts(a: readonly LabelsAndAnnotations[], b: readonly LabelsAndAnnotations[]): boolean {
  return a.length === b.length && a.every((x, i) => exactKey(x.labels) === exactKey((b[i] as LabelsAndAnnotations).labels) && exactKey(x.annotations) === exactKey((b[i] as LabelsAndAnnotations).annotations));
}

/** Prometheus' labels.String(): `{a="b", c="d"}`. */
function labelsString(l: Labels): string {
  return `{${sortedPairs(l).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}}`;
}

function alertsString(list: readonly LabelsAndAnnotations[]): string {
  if (list.length === 0) return '[]';
  const entries = list.map((x, i) => `${i}:\n              Labels:${labelsString(x.labels)}\n              Annotations:${labelsString(x.annotations)}`);
  return `[\n            ${entries.join(',\n            ')}\n            ]`;
}

function checkExpr(p: UnitTestFile['tests'][number]['promqlExprTests'][number], env: GroupEnv, fuzzy: boolean): string[] {
  const head = `    expr: ${JSON.stringify(p.expr)}, time: ${p.evalTimeText}`;
  let got: { labels: Labels; v: number }[];
  try {
    got = env.query(p.expr, p.evalTimeMs).map((s) => ({ labels: s.labels, v: s.v }));
  } catch (err) {
    return [`${head}, err: ${(err as Error).message}`];
  }
  const exp: { labels: Labels; v: number }[] = [];
  for (const s of p.expSamples) {
    try {
      const { labels, rest } = parseLabelsPrefix(s.labels.trim());
      if (rest.trim() !== '') throw new NotationError(`unexpected ${JSON.stringify(rest.trim())}`);
      exp.push({ labels, v: s.value });
    } catch (err) {
      return [`${head}, err: labels ${JSON.stringify(s.labels)}: ${(err as Error).message}`];
    }
  }
  exp.sort((a, b) => compareLabels(a.labels, b.labels));
  got.sort((a, b) => compareLabels(a.labels, b.labels));
  const equalValue = (x: number, y: number) => x === y || (fuzzy && Math.abs(x - y) <= Math.abs(x) * Number.EPSILON);
  const same = exp.length === got.length && exp.every((e, i) => labelsKey(e.labels) === labelsKey((got[i] as { labels: Labels }).labels) && equalValue(e.v, (got[i] as { v: number }).v));
  if (same) return [];
  const show = (l: typeof exp) => (l.length === 0 ? 'nil' : l.map((s) => `${labelsString(s.labels)} ${formatGoFloat(s.v, 'E', -1)}`).join(', '));
  return [`${head},\n        exp: ${show(exp)}\n        got: ${show(got)}`];
}

/** Go's time.Duration String(), as promtool prints evaluation times: `1m30s`, `0s`. */
function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return ms < 1000 ? `${ms}ms` : `${s}s`;
}

