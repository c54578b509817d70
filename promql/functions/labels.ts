import { QueryError } from '../errors.ts';
import type { Value } from '../value.ts';
import { isValidLabelName, sample, stringArg, vectorArg, vectorValue, withLabel } from './common.ts';
import type { CallContext, FunctionImpl } from './registry.ts';

/**
 * Compiles a Go RE2 pattern as Prometheus does for label_replace: fully anchored, `.` matching newlines. Go's
 * `(?P<name>` groups and a leading `(?i)` are translated; constructs RE2 rejects (lookaround, backreferences) fail.
 */
export function compileAnchoredRegex(pattern: string): RegExp | undefined {
  if (/\(\?<?[=!]/.test(pattern) || /(?<!\\)(?:\\\\)*\\[1-9]/.test(pattern)) return undefined;
  let flags = 's';
  let body = pattern.replace(/\(\?P</g, '(?<');
  const lead = /^\(\?([is]+)\)/.exec(body);
  if (lead) {
    if ((lead[1] as string).includes('i')) flags += 'i';
    body = body.slice(lead[0].length);
  }
  for (const f of [`${flags}u`, flags]) {
    try {
      return new RegExp(`^(?:${body})$`, f);
    } catch {
      // Try again without Unicode mode, whose escape rules are stricter than RE2's.
    }
  }
  return undefined;
}

/** Go's regexp.Expand template syntax: `$1`, `${1}`, `$name`, `${name}`, `$$`; unknown groups expand to nothing. */
export function expandTemplate(template: string, match: RegExpExecArray): string {
  let out = '';
  let rest = template;
  for (;;) {
    const i = rest.indexOf('$');
    if (i < 0) break;
    out += rest.slice(0, i);
    rest = rest.slice(i + 1);
    if (rest.startsWith('$')) {
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    const m = /^(\{)?([\p{L}\p{Nd}_]+)/u.exec(rest);
    const brace = m?.[1] !== undefined;
    if (!m || (brace && rest[m[0].length] !== '}')) {
      out += '$'; // Malformed: the $ is kept as text.
      continue;
    }
    rest = rest.slice(m[0].length + (brace ? 1 : 0));
    const name = m[2] as string;
    let num = -1;
    if (/^\d+$/.test(name) && !(name.length > 1 && name[0] === '0')) num = name.length > 9 ? -1 : Number(name);
    const group = num >= 0 ? match[num] : match.groups?.[name];
    if (group !== undefined) out += group;
  }
  return out + rest;
}

function labelReplace(args: readonly Value[], ctx: CallContext): Value {
  const dst = stringArg(args, 1);
  const replacement = stringArg(args, 2);
  const src = stringArg(args, 3);
  const pattern = stringArg(args, 4);
  const re = compileAnchoredRegex(pattern);
  if (!re) throw new QueryError('execution', `invalid regular expression in label_replace(): ${pattern}`);
  if (!isValidLabelName(dst)) throw new QueryError('execution', `invalid destination label name in label_replace(): ${dst}`);
  return vectorValue(
    vectorArg(args, 0).map((s) => {
      const m = re.exec(s.metric[src] ?? '');
      return sample(m ? withLabel(s.metric, dst, expandTemplate(replacement, m)) : s.metric, ctx.t, s.point.v);
    }),
  );
}

function labelJoin(args: readonly Value[], ctx: CallContext): Value {
  const dst = stringArg(args, 1);
  const separator = stringArg(args, 2);
  const srcs = args.slice(3).map((_, i) => stringArg(args, i + 3));
  for (const src of srcs) {
    if (!isValidLabelName(src)) throw new QueryError('execution', `invalid source label name in label_join(): ${src}`);
  }
  if (!isValidLabelName(dst)) throw new QueryError('execution', `invalid destination label name in label_join(): ${dst}`);
  return vectorValue(
    vectorArg(args, 0).map((s) =>
      sample(withLabel(s.metric, dst, srcs.map((src) => s.metric[src] ?? '').join(separator)), ctx.t, s.point.v),
    ),
  );
}

/** label_replace and label_join keep the metric name: they only rewrite labels. */
export const LABEL_FUNCTIONS: Record<string, FunctionImpl> = {
  label_replace: labelReplace,
  label_join: labelJoin,
};
