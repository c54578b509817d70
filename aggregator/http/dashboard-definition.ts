// The dashboard JSON format (README "Dashboard"): panels of PromQL queries with units and legend templates, and
// template variables filled from label values. Checked strictly when a file is loaded, so a typo is reported with
// its file and field instead of showing up as an empty panel.
import { parseDurationMs } from '../../promql/duration.ts';
import { parseExpr } from '../../promql/parse.ts';
import { QueryError } from '../../promql/errors.ts';

/** Grafana's unit ids, so a panel's unit carries over to the Grafana export unchanged. */
export const UNITS = ['short', 'none', 'percent', 'percentunit', 'bytes', 'Bps', 'bps', 's', 'ms', 'celsius', 'hertz', 'ops'] as const;
export type Unit = (typeof UNITS)[number];

export interface DashboardTarget {
  readonly expr: string;
  /** `{{label}}` placeholders filled from each series' labels; without it, the series' full name. */
  readonly legend?: string;
}

export interface DashboardPanel {
  readonly title: string;
  readonly description?: string;
  readonly unit: Unit;
  /** Columns of a 24-column grid (Grafana's gridPos.w). */
  readonly width: number;
  /** Rows of 30 px (Grafana's gridPos.h). */
  readonly height: number;
  readonly min?: number;
  readonly max?: number;
  readonly targets: readonly DashboardTarget[];
}

export interface DashboardVariable {
  readonly name: string;
  readonly label?: string;
  /** `label_values(label)` or `label_values(selector, label)`, as Grafana's Prometheus data source writes them. */
  readonly query: string;
}

export interface Dashboard {
  readonly title: string;
  readonly description?: string;
  readonly tags: readonly string[];
  /** Default time range, e.g. "1h". */
  readonly range: string;
  /** Default auto-refresh interval, or "off". */
  readonly refresh: string;
  readonly variables: readonly DashboardVariable[];
  readonly panels: readonly DashboardPanel[];
}

/** A dashboard file that cannot be used; `where` is the JSON path of the bad field, or a line:column. */
export class DashboardError extends Error {
  constructor(
    readonly file: string,
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${file}${where ? `: ${where}` : ''}: ${problem}`);
    this.name = 'DashboardError';
  }
}

// Bounds: a dashboard is loaded into every browser that opens it, and each panel query runs on every refresh.
const MAX_PANELS = 50;
const MAX_TARGETS = 10;
const MAX_VARIABLES = 10;

const LABEL_VALUES = /^label_values\(\s*(?:(.+?)\s*,\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$/s;
const VARIABLE_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The parts of a `label_values(…)` query; the selector is undefined for the one-argument form. */
export function parseLabelValues(query: string): { selector?: string; label: string } | undefined {
  const m = LABEL_VALUES.exec(query.trim());
  if (!m) return undefined;
  return m[1] !== undefined ? { selector: m[1], label: m[2] as string } : { label: m[2] as string };
}

const VARIABLE = /\$\{([a-zA-Z_][a-zA-Z0-9_]*)\}|\$([a-zA-Z_][a-zA-Z0-9_]*)/g;

/** Each `$name` or `${name}` replaced by what `value(name, text)` gives; left as it is for undefined. */
function replaceVariables(expr: string, value: (name: string, text: string) => string | undefined): string {
  return expr.replace(VARIABLE, (whole, braced?: string, bare?: string) => value((braced ?? bare) as string, whole) ?? whole);
}

/** Grafana's built-in interval variables and the dashboard's own, each replaced by its value. */
export function substituteVariables(expr: string, values: Readonly<Record<string, string>>): string {
  return replaceVariables(expr, (name) => (Object.hasOwn(values, name) ? values[name] : undefined));
}

const BUILTIN_DURATIONS = new Set(['__interval', '__rate_interval', '__range']);

/**
 * The expression made parseable without running a query: durations for the built-ins, letters for the
 * dashboard's variables (valid in a label value and as a name), each as long as the text it replaces, so a parse
 * error's column points into the file's own text.
 */
function withPlaceholders(expr: string, variables: readonly DashboardVariable[]): string {
  return replaceVariables(expr, (name, text) => {
    if (BUILTIN_DURATIONS.has(name)) return `${'0'.repeat(Math.max(0, text.length - 2))}1m`;
    return variables.some((v) => v.name === name) ? 'x'.repeat(text.length) : undefined;
  });
}

type Json = unknown;

class Reader {
  constructor(
    readonly file: string,
    readonly path: string,
    readonly value: Json,
  ) {}

  fail(problem: string): never {
    throw new DashboardError(this.file, this.path, problem);
  }

  object(allowed: readonly string[]): Record<string, Json> {
    const v = this.value;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail('expected an object');
    for (const key of Object.keys(v)) {
      if (!allowed.includes(key)) new Reader(this.file, this.join(key), null).fail(`unknown field (expected one of ${allowed.join(', ')})`);
    }
    return v as Record<string, Json>;
  }

  field(key: string): Reader {
    return new Reader(this.file, this.join(key), (this.value as Record<string, Json>)[key]);
  }

  private join(key: string | number): string {
    return typeof key === 'number' ? `${this.path}[${key}]` : this.path ? `${this.path}.${key}` : key;
  }

  has(): boolean {
    return this.value !== undefined;
  }

  string(): string {
    if (typeof this.value !== 'string' || this.value.trim() === '') this.fail('expected a non-empty string');
    return this.value;
  }

  number(min: number, max: number): number {
    const v = this.value;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) this.fail(`expected a number from ${min} to ${max}`);
    return v;
  }

  list(max: number): Reader[] {
    if (!Array.isArray(this.value)) this.fail('expected a list');
    if (this.value.length > max) this.fail(`at most ${max} entries`);
    return this.value.map((v, i) => new Reader(this.file, this.join(i), v));
  }

  expr(variables: readonly DashboardVariable[]): string {
    const text = this.string();
    try {
      parseExpr(withPlaceholders(text, variables));
    } catch (err) {
      if (err instanceof QueryError) this.fail(err.message);
      throw err;
    }
    return text;
  }

  duration(offAllowed: boolean): string {
    const text = this.string();
    if (offAllowed && text === 'off') return text;
    const ms = parseDurationMs(text);
    if (ms === undefined || ms <= 0) this.fail(`expected a duration such as 30s or 1h${offAllowed ? ', or "off"' : ''}`);
    return text;
  }
}

const optional = <T>(r: Reader, read: (r: Reader) => T): T | undefined => (r.has() ? read(r) : undefined);

function readVariable(r: Reader, earlier: readonly DashboardVariable[]): DashboardVariable {
  r.object(['name', 'label', 'query']);
  const name = r.field('name').string();
  if (!VARIABLE_NAME.test(name) || name.startsWith('__')) r.field('name').fail('expected a name of letters, digits and "_", not starting with "__"');
  const label = optional(r.field('label'), (x) => x.string());
  const queryReader = r.field('query');
  const query = queryReader.string();
  const parsed = parseLabelValues(query);
  if (!parsed) return queryReader.fail('expected label_values(label) or label_values(selector, label)');
  if (parsed.selector !== undefined) new Reader(r.file, `${queryReader.path} selector`, parsed.selector).expr(earlier);
  return { name, ...(label !== undefined ? { label } : {}), query };
}

function readPanel(r: Reader, variables: readonly DashboardVariable[]): DashboardPanel {
  r.object(['title', 'description', 'unit', 'width', 'height', 'min', 'max', 'targets']);
  const unit = optional(r.field('unit'), (x) => x.string()) ?? 'short';
  if (!(UNITS as readonly string[]).includes(unit)) r.field('unit').fail(`expected one of ${UNITS.join(', ')}`);
  const description = optional(r.field('description'), (x) => x.string());
  const min = optional(r.field('min'), (x) => x.number(-Number.MAX_VALUE, Number.MAX_VALUE));
  const max = optional(r.field('max'), (x) => x.number(-Number.MAX_VALUE, Number.MAX_VALUE));
  const targets = r.field('targets').list(MAX_TARGETS).map((t) => {
    t.object(['expr', 'legend']);
    const legend = optional(t.field('legend'), (x) => x.string());
    return { expr: t.field('expr').expr(variables), ...(legend !== undefined ? { legend } : {}) };
  });
  if (targets.length === 0) r.field('targets').fail('a panel needs at least one query');
  return {
    title: r.field('title').string(),
    ...(description !== undefined ? { description } : {}),
    unit: unit as Unit,
    width: optional(r.field('width'), (x) => Math.round(x.number(1, 24))) ?? 12,
    height: optional(r.field('height'), (x) => Math.round(x.number(3, 30))) ?? 8,
    ...(min !== undefined ? { min } : {}),
    ...(max !== undefined ? { max } : {}),
    targets,
  };
}

/** JSON.parse's "at position N" as line:column, which is what an editor can jump to. */
function jsonProblem(text: string, err: Error): { where: string; problem: string } {
  const pos = /at position (\d+)/.exec(err.message);
  // Some of V8's messages name no position but quote the text around the mistake, over several lines.
  if (!pos) return { where: '', problem: `invalid JSON: ${err.message.split('\n')[0]}` };
  const before = text.slice(0, Number(pos[1])).split('\n');
  return { where: `${before.length}:${(before.at(-1) as string).length + 1}`, problem: `invalid JSON: ${err.message.replace(/ in JSON at position \d+.*$/s, '')}` };
}

/** A dashboard file's text, checked; any problem is a DashboardError naming the file and the field. */
export function parseDashboard(text: string, file: string): Dashboard {
  let json: Json;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const { where, problem } = jsonProblem(text, err as Error);
    throw new DashboardError(file, where, problem);
  }
  const r = new Reader(file, '', json);
  r.object(['title', 'description', 'tags', 'range', 'refresh', 'variables', 'panels']);
  const declared = optional(r.field('variables'), (x) => x.list(MAX_VARIABLES)) ?? [];
  const variables: DashboardVariable[] = [];
  for (const v of declared) {
    // A variable's query may use the variables declared before it (e.g. mount points of the chosen $instance).
    const variable = readVariable(v, variables);
    if (variables.some((o) => o.name === variable.name)) v.field('name').fail(`variable ${variable.name} is declared twice`);
    variables.push(variable);
  }
  const description = optional(r.field('description'), (x) => x.string());
  return {
    title: r.field('title').string(),
    ...(description !== undefined ? { description } : {}),
    tags: optional(r.field('tags'), (x) => x.list(20).map((t) => t.string())) ?? [],
    range: optional(r.field('range'), (x) => x.duration(false)) ?? '1h',
    refresh: optional(r.field('refresh'), (x) => x.duration(true)) ?? '30s',
    variables,
    panels: r.field('panels').list(MAX_PANELS).map((p) => readPanel(p, variables)),
  };
}
