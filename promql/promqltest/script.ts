import { labelsKey, type Labels } from '../../protocol/labels.ts';
import { parseDurationMs } from '../duration.ts';
import { unquote } from '../strings.ts';
import { NotationError, parseNumberLine, parseSeriesLine, type SeqValue } from './series-notation.ts';

/**
 * Prometheus' PromQL test scripting language (promql/promqltest/README.md in the Prometheus repository):
 * `load`, `load_with_nhcb`, `clear` and `eval` commands, each a block of lines ended by an empty line or a
 * comment. Lines are numbered from 1, as editors show them.
 */
export type ScriptCommand = LoadCommand | ClearCommand | EvalCommand | ScriptError;

export interface LoadedSeries {
  readonly line: number;
  readonly labels: Labels;
  readonly values: SeqValue[];
}

export interface LoadCommand {
  readonly kind: 'load';
  readonly line: number;
  readonly stepMs: number;
  /** `load_with_nhcb`: classic histograms are also loaded as native histograms with custom buckets. */
  readonly withNhcb: boolean;
  readonly series: LoadedSeries[];
}

export interface ClearCommand {
  readonly kind: 'clear';
  readonly line: number;
}

/** A command the runner cannot execute; it counts as one failure and the rest of the file still runs. */
export interface ScriptError {
  readonly kind: 'error';
  readonly line: number;
  readonly message: string;
}

export type ExpectType = 'ordered' | 'fail' | 'warn' | 'no_warn' | 'info' | 'no_info';

/** One `expect` line: an exact message, a regex, or (neither) anything. */
export interface Expectation {
  readonly message?: string;
  readonly regex?: RegExp;
}

export interface ExpectedSeries {
  readonly line: number;
  /** 1-based position among the result lines, for `expect ordered`. */
  readonly pos: number;
  readonly labels: Labels;
  readonly values: SeqValue[];
}

export interface EvalCommand {
  readonly kind: 'eval';
  readonly line: number;
  /** The command line as written, e.g. `eval instant at 5m rate(x[5m])`. */
  readonly text: string;
  readonly expr: string;
  readonly range: boolean;
  /** Instant: the evaluation time. Range (or `expect range vector`): the first expected timestamp. */
  start: number;
  /** Range, or `expect range vector`: the last timestamp; instant queries without it have none. */
  end?: number;
  stepMs: number;
  readonly evalTime: number;
  /** From the deprecated eval_fail / eval_warn / eval_info / eval_ordered forms. */
  readonly legacy: { fail: boolean; warn: boolean; info: boolean; ordered: boolean };
  /** Deprecated `expected_fail_message` / `expected_fail_regexp` lines. */
  legacyFail?: Expectation;
  readonly expects: Record<ExpectType, Expectation[]>;
  expectedString?: string;
  /** `expect range vector` or `expect string`: the instant query is not re-run as a range query. */
  excludeFromRangeQuery: boolean;
  /** A bare number line: the query must return this scalar. */
  scalar?: number;
  readonly expected: Map<string, ExpectedSeries>;
}

export const isOrdered = (ev: EvalCommand) => ev.legacy.ordered || ev.expects.ordered.length > 0;
export const isFail = (ev: EvalCommand) => ev.legacy.fail || ev.expects.fail.length > 0;

const LOAD_RE = /^load(?:_(with_nhcb))?\s+(.+?)$/;
const INSTANT_RE = /^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$/;
const RANGE_RE = /^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$/;
const EXPECT_RE = /^expect\s+(ordered|fail|warn|no_warn|info|no_info)(?:\s+(regex|msg):(.+))?$/;
const RANGE_VECTOR_RE = /^expect range vector\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+)$/;

class LineError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** Times and steps as the test language writes them: Prometheus durations (`1m`, `10s53ms`) or `0`. */
export function parseTestTime(text: string, what: string, line: number): number {
  const t = text.trim();
  // Plain numbers are seconds, as PromQL reads them; Prometheus' own runner only accepts `0` unitless.
  const ms = /^\d+(\.\d+)?$/.test(t) ? Number(t) * 1000 : parseDurationMs(t);
  if (ms === undefined) throw new LineError(line, `invalid ${what} ${JSON.stringify(t)}: expected a duration such as 1m, 30s or 0`);
  return ms;
}

function compileRegex(pattern: string, line: number): RegExp {
  try {
    return new RegExp(pattern);
  } catch (err) {
    throw new LineError(line, `invalid regex ${pattern}: ${(err as Error).message}`);
  }
}

function parseExpect(text: string, line: number): [ExpectType, Expectation] {
  const m = EXPECT_RE.exec(text.trim());
  if (!m) throw new LineError(line, 'invalid expect statement, must match `expect <type> <match_type>: <string>` format');
  const type = m[1] as ExpectType;
  if (m[2] === undefined) return [type, {}];
  const body = (m[3] as string).trim();
  return [type, m[2] === 'msg' ? { message: body } : { regex: compileRegex(body, line) }];
}

function seriesLine(text: string, line: number) {
  try {
    return parseSeriesLine(text);
  } catch (err) {
    if (err instanceof NotationError) throw new LineError(line, err.message);
    throw err;
  }
}

function parseLoad(lines: string[], i: number): [number, LoadCommand] {
  const m = LOAD_RE.exec(lines[i] as string);
  if (!m) throw new LineError(i + 1, 'invalid load command. (load[_with_nhcb] <step:duration>)');
  const cmd: LoadCommand = { kind: 'load', line: i + 1, stepMs: parseTestTime(m[2] as string, 'step', i + 1), withNhcb: m[1] !== undefined, series: [] };
  while (i + 1 < lines.length && lines[i + 1] !== '') {
    i++;
    const text = lines[i] as string;
    // `metric@st <offsets>` start-timestamp lines: Outpost stores no start timestamps, so they are read past.
    if (/^\S*@st\s/.test(text)) continue;
    const { labels, values } = seriesLine(text, i + 1);
    const key = labelsKey(labels);
    // A later line for the same series replaces an earlier one in the same block, as in Prometheus.
    const at = cmd.series.findIndex((s) => labelsKey(s.labels) === key);
    if (at >= 0) cmd.series.splice(at, 1);
    cmd.series.push({ line: i + 1, labels, values });
  }
  return [i, cmd];
}

function parseEval(lines: string[], i: number): [number, EvalCommand] {
  const head = lines[i] as string;
  const line = i + 1;
  const inst = INSTANT_RE.exec(head);
  const rng = inst ? null : RANGE_RE.exec(head);
  if (!inst && !rng) {
    throw new LineError(line, "invalid evaluation command. Must be either 'eval[_fail|_warn|_info|_ordered] instant [at <offset:duration>] <query>' or 'eval[_fail|_warn|_info] range from <from> to <to> step <step> <query>'");
  }
  const mod = (inst ? inst[1] : rng?.[1]) ?? '';
  const expr = (inst ? inst[3] : rng?.[5]) as string;
  let start: number;
  let end: number | undefined;
  let stepMs = 0;
  if (inst) {
    start = parseTestTime(inst[2] ?? '', 'timestamp', line);
  } else {
    const r = rng as RegExpExecArray;
    start = parseTestTime(r[2] as string, 'start timestamp', line);
    end = parseTestTime(r[3] as string, 'end timestamp', line);
    stepMs = parseTestTime(r[4] as string, 'step', line);
    if (end < start) throw new LineError(line, `invalid test definition, end timestamp (${r[3]}) is before start timestamp (${r[2]})`);
  }
  const cmd: EvalCommand = {
    kind: 'eval',
    line,
    text: head,
    expr,
    range: !inst,
    start,
    ...(end !== undefined ? { end } : {}),
    stepMs,
    evalTime: start,
    legacy: { fail: mod === 'fail', warn: mod === 'warn', info: mod === 'info', ordered: mod === 'ordered' },
    expects: { ordered: [], fail: [], warn: [], no_warn: [], info: [], no_info: [] },
    excludeFromRangeQuery: false,
    expected: new Map(),
  };
  let rangeVector = false;
  // Positions count result lines and `expect range vector`/`expect string` lines but not other expect lines,
  // exactly as Prometheus numbers them for `expect ordered`.
  for (let pos = 1; i + 1 < lines.length && lines[i + 1] !== ''; pos++) {
    i++;
    const text = lines[i] as string;
    const at = i + 1;
    if (isFail(cmd) && /^expected_fail_(message|regexp)/.test(text)) {
      const body = text.replace(/^expected_fail_(message|regexp)/, '').trim();
      cmd.legacyFail = text.startsWith('expected_fail_message') ? { message: body } : { regex: compileRegex(body, at) };
      break;
    }
    if (text.startsWith('expect range vector')) {
      const m = RANGE_VECTOR_RE.exec(text);
      if (!m) throw new LineError(at, `invalid range vector definition ${JSON.stringify(text)}`);
      cmd.start = parseTestTime(m[1] as string, 'start timestamp', at);
      cmd.end = parseTestTime(m[2] as string, 'end timestamp', at);
      cmd.stepMs = parseTestTime(m[3] as string, 'step', at);
      if (cmd.end < cmd.start) throw new LineError(at, 'invalid test definition, end timestamp is before start timestamp');
      rangeVector = true;
      cmd.excludeFromRangeQuery = true;
      continue;
    }
    if (text.startsWith('expect string')) {
      const body = text.slice('expect string'.length).trim();
      if (!/^(["`]).*\1$/s.test(body)) throw new LineError(at, 'expected string literal not valid - a quoted string literal is required');
      try {
        cmd.expectedString = unquote(body);
      } catch {
        throw new LineError(at, 'expected string literal not valid - check that the string is correctly quoted');
      }
      cmd.excludeFromRangeQuery = true;
      continue;
    }
    if (text.split(' ')[0] === 'expect') {
      const [type, exp] = parseExpect(text, at);
      cmd.expects[type].push(exp);
      pos--;
      if (cmd.expects.info.length > 0 && cmd.expects.no_info.length > 0) throw new LineError(at, 'invalid expect lines, info and no_info cannot be used together');
      if (cmd.expects.warn.length > 0 && cmd.expects.no_warn.length > 0) throw new LineError(at, 'invalid expect lines, warn and no_warn cannot be used together');
      if (cmd.expects.fail.length > 1) throw new LineError(at, 'invalid expect lines, multiple expect fail lines are not allowed');
      continue;
    }
    const scalar = parseNumberLine(text);
    if (scalar !== undefined) {
      cmd.scalar = scalar;
      cmd.expected.clear();
      break; // As in Prometheus, a scalar line ends the block's result lines.
    }
    const { labels, values } = seriesLine(text, at);
    if (values.length > 1 && !cmd.range && !rangeVector) {
      throw new LineError(at, "expecting multiple values in instant evaluation not allowed. consider using 'expect range vector' directive to enable a range vector result for an instant query");
    }
    cmd.scalar = undefined;
    cmd.expected.set(labelsKey(labels), { line: at, pos, labels, values });
  }
  return [i, cmd];
}

/** Parses a whole script. Malformed commands become ScriptError entries instead of stopping the file. */
export function parseScript(text: string): ScriptCommand[] {
  const lines = text.split('\n').map((l) => {
    const t = l.trim();
    return t.startsWith('#') ? '' : t;
  });
  const out: ScriptCommand[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    if (l === '') continue;
    const word = (l.split(/[\t ]+/, 1)[0] as string).toLowerCase();
    try {
      if (word === 'clear') out.push({ kind: 'clear', line: i + 1 });
      else if (word.startsWith('load')) [i, out[out.length]] = parseLoad(lines, i);
      else if (word.startsWith('eval')) [i, out[out.length]] = parseEval(lines, i);
      else throw new LineError(i + 1, `invalid command ${JSON.stringify(l)}`);
    } catch (err) {
      if (!(err instanceof LineError)) throw err;
      out.push({ kind: 'error', line: err.line, message: err.message });
      while (i + 1 < lines.length && lines[i + 1] !== '') i++; // skip the rest of the broken block
    }
  }
  return out;
}
