import { formatGoFloat } from './go-float.ts';
import { formatV, goTypeName, GoMap, GoStruct, type GoValue } from './go-values.ts';

/**
 * Go's fmt.Sprintf for the verbs templates use (%v %s %d %f %e %g %q %x %t %c %%) with flags, width and
 * precision, and fmt's own error forms (`%!d(string=x)`, `%!s(MISSING)`, `%!(EXTRA …)`) rather than exceptions.
 */
export function goSprintf(format: string, args: readonly GoValue[]): string {
  let out = '';
  let argIndex = 0;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    const m = /^%([+\-# 0]*)(\d+)?(?:\.(\d*))?(.)?/su.exec(format.slice(pct)) as RegExpExecArray;
    i = pct + m[0].length;
    const verb = m[4];
    if (verb === undefined) {
      out += '%!(NOVERB)';
      break;
    }
    if (verb === '%') {
      out += '%';
      continue;
    }
    const spec: Spec = {
      flags: m[1] ?? '',
      width: m[2] === undefined ? undefined : Number(m[2]),
      prec: m[3] === undefined ? undefined : m[3] === '' ? 0 : Number(m[3]),
      verb,
    };
    if (argIndex >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatArg(args[argIndex++] as GoValue, spec);
  }
  if (argIndex < args.length) {
    out += `%!(EXTRA ${args.slice(argIndex).map((a) => `${goTypeName(a)}=${formatV(a)}`).join(', ')})`;
  }
  return out;
}

interface Spec {
  readonly flags: string;
  readonly width: number | undefined;
  readonly prec: number | undefined;
  readonly verb: string;
}

const bad = (v: GoValue, verb: string) => (v === null ? `%!${verb}(<nil>)` : `%!${verb}(${goTypeName(v)}=${formatV(v)})`);

function pad(body: string, spec: Spec, numeric: boolean): string {
  const width = spec.width ?? 0;
  const len = [...body].length;
  if (len >= width) return body;
  if (spec.flags.includes('-')) return body + ' '.repeat(width - len);
  if (numeric && spec.flags.includes('0')) {
    const sign = /^[+\- ]/.test(body) ? body[0] : '';
    return sign + '0'.repeat(width - len) + body.slice(sign.length);
  }
  return ' '.repeat(width - len) + body;
}

function signed(body: string, negative: boolean, spec: Spec): string {
  if (negative) return body;
  if (spec.flags.includes('+')) return `+${body}`;
  if (spec.flags.includes(' ')) return ` ${body}`;
  return body;
}

function formatArg(v: GoValue, spec: Spec): string {
  const { verb } = spec;
  if (typeof v === 'number') return formatFloatArg(v, spec);
  if (typeof v === 'bigint') return formatIntArg(v, spec);
  if (typeof v === 'boolean') return verb === 't' || verb === 'v' ? pad(String(v), spec, false) : bad(v, verb);
  if (typeof v === 'string') {
    switch (verb) {
      case 'v':
      case 's':
        return pad(spec.prec === undefined ? v : [...v].slice(0, spec.prec).join(''), spec, false);
      case 'q':
        return pad(JSON.stringify(v), spec, false);
      case 'x':
      case 'X': {
        const hex = [...Buffer.from(v, 'utf8')].map((b) => b.toString(16).padStart(2, '0')).join('');
        return pad(verb === 'X' ? hex.toUpperCase() : hex, spec, false);
      }
      default:
        return bad(v, verb);
    }
  }
  if (v === null) return verb === 'v' ? pad('<nil>', spec, false) : bad(v, verb);
  if (verb === 'v' || verb === 's' || (verb === 'd' && (v instanceof GoMap || v instanceof GoStruct || Array.isArray(v)))) {
    return pad(formatV(v), spec, false);
  }
  return bad(v, verb);
}

function formatFloatArg(v: number, spec: Spec): string {
  const verb = spec.verb;
  let body: string;
  switch (verb) {
    case 'v':
    case 'g':
    case 'G':
      body = formatGoFloat(v, verb === 'G' ? 'G' : 'g', spec.prec ?? -1);
      break;
    case 'e':
    case 'E':
      body = formatGoFloat(v, verb, spec.prec ?? 6);
      break;
    case 'f':
    case 'F':
      body = formatGoFloat(v, 'f', spec.prec ?? 6);
      break;
    default:
      return bad(v, verb);
  }
  // fmt keeps the sign of an infinity, shows one on NaN only when asked, and never zero-pads either.
  const space = spec.flags.includes(' ') && !spec.flags.includes('+');
  if (Number.isNaN(v)) body = spec.flags.includes('+') ? '+NaN' : space ? ' NaN' : 'NaN';
  if (v === Infinity) body = space ? ' Inf' : '+Inf';
  if (!Number.isFinite(v)) return pad(body, { ...spec, flags: spec.flags.replace('0', '') }, false);
  return pad(signed(body, body.startsWith('-'), spec), spec, true);
}

function formatIntArg(v: bigint, spec: Spec): string {
  const negative = v < 0n;
  const abs = negative ? -v : v;
  let digits: string;
  switch (spec.verb) {
    case 'v':
    case 'd':
      digits = abs.toString();
      break;
    case 'x':
      digits = abs.toString(16);
      break;
    case 'X':
      digits = abs.toString(16).toUpperCase();
      break;
    case 'o':
      digits = abs.toString(8);
      break;
    case 'b':
      digits = abs.toString(2);
      break;
    case 'c':
      return pad(String.fromCodePoint(Number(v)), spec, false);
    case 'q':
      return pad(`'${String.fromCodePoint(Number(v))}'`, spec, false);
    default:
      return bad(v, spec.verb);
  }
  if (spec.prec !== undefined) digits = digits.padStart(spec.prec, '0');
  if (spec.flags.includes('#') && (spec.verb === 'x' || spec.verb === 'X')) digits = `0${spec.verb}${digits}`;
  const body = signed(negative ? `-${digits}` : digits, negative, spec);
  // With a precision, '0' pads nothing: the precision already says how many digits.
  return pad(body, spec.prec === undefined ? spec : { ...spec, flags: spec.flags.replace('0', '') }, true);
}

/** fmt.Sprint: operands side by side, a space between two when neither is a string. */
export function goSprint(args: readonly GoValue[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatV(a);
  });
  return out;
}

/** fmt.Sprintln: spaces between all operands and a newline. */
export function goSprintln(args: readonly GoValue[]): string {
  return `${args.map((a) => formatV(a)).join(' ')}\n`;
}
