import { labelsKey, METRIC_NAME, type Labels } from '../../protocol/labels.ts';
import { newStatus, RuleEvalError, setLabels, type Rule } from './rule.ts';

/** A recording rule: the expression's result, renamed to `name` with the rule's labels set (rules/recording.go). */
export function recordingRule(name: string, query: string, labels: Labels): Rule {
  return {
    kind: 'recording',
    name,
    query,
    labels,
    status: newStatus(),
    eval(ts, ctx) {
      const t = ts - ctx.queryOffsetMs;
      const out = ctx.query(query, t).map((s) => ({ labels: setLabels(s.labels, { [METRIC_NAME]: name, ...labels }), t, v: s.v }));
      const seen = new Set<string>();
      for (const s of out) {
        const key = labelsKey(s.labels);
        if (seen.has(key)) throw new RuleEvalError('vector contains metrics with the same labelset after applying rule labels');
        seen.add(key);
      }
      if (ctx.limit > 0 && out.length > ctx.limit) throw new RuleEvalError(`exceeded limit of ${ctx.limit} with ${out.length} series`);
      return out;
    },
  };
}
