import type { Labels } from '../../protocol/labels.ts';
import type { Expr, MatrixSelector } from '../../promql/ast.ts';
import { FUNCTIONS } from '../../promql/functions/registry.ts';
import { makeMatcher } from '../../promql/matcher.ts';
import { Annotations, type Point, type Value, type Vector } from '../../promql/value.ts';
import { rangeSeries } from '../../promql/value.ts';

// A small stand-in for Prometheus' test scripts: `load <interval>` series, range selection, one function call.
export const m = 60_000;
export type Series = { metric: Labels; points: Point[] };

export function load(intervalMs: number, defs: Record<string, string>): Series[] {
  return Object.entries(defs).map(([text, spec]) => {
    const [, name, body] = /^([^{]*)(?:\{(.*)\})?$/.exec(text) as RegExpExecArray;
    const metric: Record<string, string> = name ? { __name__: name } : {};
    for (const [, k, v] of (body ?? '').matchAll(/(\w+)="([^"]*)"/g)) metric[k as string] = v as string;
    const points: Point[] = [];
    let slot = 0;
    for (const tok of spec.trim().split(/\s+/)) {
      const seq = /^([^x]+?)([+-][^x]+)?x(\d+)$/.exec(tok);
      if (tok === '_') slot++;
      else if (seq) {
        let v = Number(seq[1]);
        for (let i = 0; i <= Number(seq[3]); i++, v += Number(seq[2] ?? 0)) points.push({ t: intervalMs * slot++, v });
      } else points.push({ t: intervalMs * slot++, v: Number(tok.replace(/^\+?Inf$/, 'Infinity').replace(/^-Inf$/, '-Infinity')) });
    }
    return { metric, points };
  });
}

export function sel(name: string, rangeMs: number, offsetMs = 0, atMs?: number): MatrixSelector {
  return {
    kind: 'matrix_selector',
    rangeMs,
    selector: { kind: 'vector_selector', name, matchers: [makeMatcher('=', '__name__', name)], offsetMs, ...(atMs !== undefined ? { at: { kind: 'time' as const, ms: atMs } } : {}) },
  };
}

/** Evaluates fn(<name>[range] …) at t over the loaded series, as Prometheus' engine would hand it over. */
export function call(fn: string, all: Series[], t: number, ms: MatrixSelector, extra: { before?: Value[]; after?: Value[] } = {}) {
  const name = ms.selector.name as string;
  const end = (ms.selector.at?.kind === 'time' ? ms.selector.at.ms : t) - ms.selector.offsetMs;
  const matrix = all
    .filter((s) => s.metric['__name__'] === name)
    .map((s) => rangeSeries(s.metric, s.points.filter((p) => p.t > end - ms.rangeMs && p.t <= end)));
  const args: Value[] = [...(extra.before ?? []), { type: 'matrix', matrix }, ...(extra.after ?? [])];
  const argExprs: Expr[] = args.map((a) => (a.type === 'matrix' ? ms : { kind: 'number', value: a.type === 'scalar' ? a.v : 0 }));
  const annotations = new Annotations();
  const out = (FUNCTIONS[fn] as NonNullable<(typeof FUNCTIONS)[string]>)(args, { t, annotations, argExprs });
  const vector = (out as { vector: Vector }).vector;
  return { byKey: Object.fromEntries(vector.map((s) => [JSON.stringify(s.metric), s.point.v])), vector, annotations };
}
