import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Labels } from '../../protocol/labels.ts';
import { QueryError } from '../errors.ts';
import { matchesAll, type Matcher } from '../matcher.ts';
import { memoryStorage, type MemoryStorage } from '../memory-storage.ts';
import type { Queryable, SelectedSeries } from '../queryable.ts';
import { pointsOf, type Annotations, type Value, type Vector } from '../value.ts';
import { checkAnnotations, checkFailure, checkMatrixSorted, compareResult, formatLabels } from './compare.ts';
import { isFail, isOrdered, parseScript, type EvalCommand, type LoadCommand } from './script.ts';

/** What the runner needs from a PromQL engine (promql/engine.ts provides it; tests may pass a fake). */
export interface QueryResult {
  readonly value: Value;
  readonly annotations: Annotations;
}
export interface TestEngineOptions {
  lookbackMs: number;
  enableAtModifier?: boolean;
  /** Step of a subquery written without one (`x[5m:]`); Prometheus' test engine uses 1 minute. */
  defaultSubqueryStepMs?: number;
}
export interface Engine {
  instantQuery(q: Queryable, text: string, t: number, opts?: Partial<TestEngineOptions>): QueryResult | Promise<QueryResult>;
  rangeQuery(q: Queryable, text: string, start: number, end: number, step: number, opts?: Partial<TestEngineOptions>): QueryResult | Promise<QueryResult>;
}

export type Outcome = 'passed' | 'failed' | 'skipped';

export interface EvalResult {
  readonly file: string;
  readonly line: number;
  /** The command as written (`eval instant at 5m …`), or the malformed line's text. */
  readonly command: string;
  readonly outcome: Outcome;
  /** Why it failed or was skipped. */
  readonly reason?: string;
}

export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

export interface FileReport extends Tally {
  readonly file: string;
  readonly results: EvalResult[];
}

export interface RunReport extends Tally {
  readonly files: FileReport[];
}

/** Prometheus' test engine settings (promqltest.NewTestEngine): 5 minute lookback, `@` on, 1m subquery step. */
const ENGINE_OPTIONS: TestEngineOptions = { lookbackMs: 5 * 60_000, enableAtModifier: true, defaultSubqueryStepMs: 60_000 };
const MINUTE = 60_000;
/** Functions that only read native histograms (they return nothing for floats): their evals are skipped. */
const HISTOGRAM_ONLY = /\bhistogram_(count|sum|avg|stddev|stdvar)\s*\(/;
/** Queries whose value depends on the query's own range; Prometheus does not re-check them in range mode. */
const QUERY_CONTEXT = /(start|end|range|step)\(\)/;

/** Native-histogram samples the storage cannot hold: where they are, so an eval reading them is skipped. */
interface HistogramSeries {
  readonly labels: Labels;
  readonly times: number[];
}

interface Env {
  readonly storage: MemoryStorage;
  readonly histograms: Map<string, HistogramSeries>;
}

function addHistogramTime(env: Env, labels: Labels, t: number): void {
  const key = JSON.stringify(Object.entries(labels).sort());
  const h = env.histograms.get(key) ?? { labels, times: [] };
  h.times.push(t);
  env.histograms.set(key, h);
}

/** The series `load_with_nhcb` adds for a classic histogram series: `x_bucket{le=…}` → `x`, `x_count`/`x_sum` → `x`. */
function nhcbSeries(labels: Labels): Labels | undefined {
  const m = /^(.*)_(bucket|count|sum)$/.exec(labels.__name__ ?? '');
  if (!m) return undefined;
  const { le: _le, ...rest } = labels;
  return { ...rest, __name__: m[1] as string };
}

function execLoad(env: Env, cmd: LoadCommand): void {
  for (const s of cmd.series) {
    const nhcb = cmd.withNhcb ? nhcbSeries(s.labels) : undefined;
    s.values.forEach((v, i) => {
      const t = i * cmd.stepMs;
      if (v.kind === 'float') env.storage.append(s.labels, t, v.v);
      else if (v.kind === 'stale') env.storage.append(s.labels, t, NaN, true);
      if (v.kind === 'histogram') addHistogramTime(env, s.labels, t);
      else if (nhcb && v.kind === 'float') addHistogramTime(env, nhcb, t);
    });
  }
}

/** The storage as the engine sees it, noting whether a query selected any native-histogram sample. */
function tracking(env: Env): { q: Queryable; touched: () => string | undefined } {
  let touched: string | undefined;
  const q: Queryable = {
    select(matchers: readonly Matcher[], mint: number, maxt: number): Iterable<SelectedSeries> {
      for (const h of env.histograms.values()) {
        if (touched === undefined && matchesAll(h.labels, matchers) && h.times.some((t) => t > mint && t <= maxt)) touched = formatLabels(h.labels);
      }
      return env.storage.select(matchers, mint, maxt);
    },
  };
  return { q, touched: () => touched };
}

/** Why an eval is skipped before it runs: native histograms in its expected output or a histogram-only function. */
function skipReason(ev: EvalCommand): string | undefined {
  for (const exp of ev.expected.values()) {
    if (exp.values.some((v) => v.kind === 'histogram')) return `expected output at line ${exp.line} has native histograms`;
  }
  const fn = HISTOGRAM_ONLY.exec(ev.expr);
  return fn ? `uses the native-histogram function histogram_${fn[1]}()` : undefined;
}

/** A query error: the failure the eval expects, or the reason it failed. Non-QueryErrors are engine bugs. */
function onError(ev: EvalCommand, err: unknown, mode = ''): string | undefined {
  if (!(err instanceof QueryError)) throw err;
  if (/\bparse error\b/.test(err.message)) return `query does not parse: ${err.message}`;
  if (!isFail(ev) || mode !== '') return `error evaluating query${mode}: ${err.message}`;
  return checkFailure(ev, err.message);
}

async function execRange(ev: EvalCommand, q: Queryable, engine: Engine): Promise<string | undefined> {
  let res: QueryResult;
  try {
    res = await engine.rangeQuery(q, ev.expr, ev.start, ev.end ?? ev.start, ev.stepMs, ENGINE_OPTIONS);
  } catch (err) {
    return onError(ev, err);
  }
  if (isFail(ev)) return 'expected error evaluating query but got none';
  return checkAnnotations(ev, res.annotations) ?? compareResult(ev, res.value);
}

/**
 * `q` is the tracked storage for the query itself; `plain` serves the range-mode re-check, whose extra steps
 * may read native histograms after t that the compared step at t cannot depend on.
 */
async function execInstant(ev: EvalCommand, q: Queryable, plain: Queryable, engine: Engine): Promise<string | undefined> {
  let res: QueryResult;
  try {
    res = await engine.instantQuery(q, ev.expr, ev.evalTime, ENGINE_OPTIONS);
  } catch (err) {
    return onError(ev, err);
  }
  if (isFail(ev)) return 'expected error evaluating query but got none';
  const bad = checkAnnotations(ev, res.annotations) ?? compareResult(ev, res.value);
  if (bad || ev.excludeFromRangeQuery || QUERY_CONTEXT.test(ev.expr)) return bad;

  // As Prometheus does: the same query as a range query around t must give the same result at t.
  let ranged: QueryResult;
  try {
    ranged = await engine.rangeQuery(plain, ev.expr, ev.evalTime - MINUTE, ev.evalTime + MINUTE, MINUTE, ENGINE_OPTIONS);
  } catch (err) {
    return onError(ev, err, ' in range mode');
  }
  if (isOrdered(ev)) return undefined; // range results are always sorted by labels
  if (ranged.value.type !== 'matrix') return `range mode: a range query returned a ${ranged.value.type}, not a matrix`;
  const unsorted = checkMatrixSorted(ranged.value.matrix);
  if (unsorted) return `range mode: ${unsorted}`;
  const vector: Vector = [];
  for (const s of ranged.value.matrix) {
    const p = pointsOf(s).find((point) => point.t === ev.evalTime);
    if (p) vector.push({ metric: s.metric, point: p });
  }
  let diff: string | undefined;
  if (res.value.type === 'scalar') {
    const p = vector[0]?.point;
    diff = p === undefined ? `no point at t=${ev.evalTime}` : compareResult(ev, { type: 'scalar', t: p.t, v: p.v });
  } else {
    diff = compareResult(ev, { type: 'vector', vector });
  }
  return diff && `range mode: ${diff}`;
}

/** Runs one script's text; `file` names it in the results. */
export async function runScript(text: string, file: string, engine: Engine): Promise<FileReport> {
  const env: Env = { storage: memoryStorage(), histograms: new Map() };
  const report: FileReport = { file, results: [], passed: 0, failed: 0, skipped: 0 };
  const add = (r: EvalResult) => {
    report.results.push(r);
    report[r.outcome]++;
  };
  const lines = text.split('\n');
  for (const cmd of parseScript(text)) {
    switch (cmd.kind) {
      case 'error':
        add({ file, line: cmd.line, command: (lines[cmd.line - 1] ?? '').trim(), outcome: 'failed', reason: cmd.message });
        break;
      case 'clear':
        env.storage.clear();
        env.histograms.clear();
        break;
      case 'load':
        execLoad(env, cmd);
        break;
      case 'eval': {
        const base = { file, line: cmd.line, command: cmd.text };
        const skip = skipReason(cmd);
        if (skip) {
          add({ ...base, outcome: 'skipped', reason: skip });
          break;
        }
        const { q, touched } = tracking(env);
        let reason: string | undefined;
        try {
          reason = await (cmd.range ? execRange(cmd, q, engine) : execInstant(cmd, q, env.storage, engine));
        } catch (err) {
          reason = `engine error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
        }
        const histogram = touched();
        if (histogram) add({ ...base, outcome: 'skipped', reason: `reads native histogram series ${histogram}` });
        else add({ ...base, outcome: reason ? 'failed' : 'passed', ...(reason ? { reason } : {}) });
      }
    }
  }
  return report;
}

/** The `.test` files a path names: the file itself, or every `.test` file under a directory, sorted. */
export function testFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => (e.isDirectory() ? testFiles(join(path, e.name)) : e.name.endsWith('.test') ? [join(path, e.name)] : []));
}

/** Runs every script the paths name; `onFile` sees each file's report as soon as it is done. */
export async function runPaths(paths: readonly string[], engine: Engine, onFile?: (r: FileReport) => void): Promise<RunReport> {
  const total: RunReport = { files: [], passed: 0, failed: 0, skipped: 0 };
  for (const file of paths.flatMap(testFiles)) {
    const rel = relative(process.cwd(), file);
    const shown = rel === '' || rel.startsWith(join('..', '..')) ? file : rel;
    const report = await runScript(readFileSync(file, 'utf8'), shown, engine);
    total.files.push(report);
    total.passed += report.passed;
    total.failed += report.failed;
    total.skipped += report.skipped;
    onFile?.(report);
  }
  return total;
}
