import type { Value } from '../value.ts';
import { dropMetricName, sample, unwrapParens, vectorArg, vectorValue } from './common.ts';
import type { CallContext, FunctionImpl } from './registry.ts';

interface Civil {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  /** Days since 1970-01-01. */
  readonly days: number;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The UTC calendar fields of Unix time `sec` (whole seconds), as Go's time.Unix(sec, 0).UTC(). */
function civil(sec: number): Civil {
  const days = Math.floor(sec / 86400);
  const secOfDay = sec - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day, hour: Math.floor(secOfDay / 3600), minute: Math.floor((secOfDay % 3600) / 60), days };
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/**
 * Go's int64(f): truncation toward zero; NaN and values out of int64's range become math.MinInt64 as on amd64
 * (Prometheus' date functions convert sample values this way).
 */
function goInt64(f: number): number {
  if (Number.isNaN(f) || Math.abs(f) >= 2 ** 63) return -(2 ** 63);
  return Math.trunc(f);
}

/**
 * Prometheus' dateWrapper: without an argument the evaluation time (vector(time())), else every sample's value
 * as Unix seconds; results drop the metric name.
 */
function dateFunction(f: (c: Civil) => number): FunctionImpl {
  return (args, ctx) => {
    if (args.length === 0) return vectorValue([sample({}, ctx.t, f(civil(Math.trunc(ctx.t / 1000))))]);
    return vectorValue(vectorArg(args, 0).map((s) => sample(dropMetricName(s.metric), ctx.t, f(civil(goInt64(s.point.v))))));
  };
}

/** timestamp(): the sample's own timestamp when the argument is a plain vector selector, else the evaluation time. */
function timestamp(args: readonly Value[], ctx: CallContext): Value {
  const fromSelector = unwrapParens(ctx.argExprs[0])?.kind === 'vector_selector';
  return vectorValue(vectorArg(args, 0).map((s) => sample(dropMetricName(s.metric), ctx.t, ((fromSelector ? s.sampleT : undefined) ?? ctx.t) / 1000)));
}

export const TIME_FUNCTIONS: Record<string, FunctionImpl> = {
  time: (_args, ctx) => ({ type: 'scalar', t: ctx.t, v: ctx.t / 1000 }),
  timestamp,
  year: dateFunction((c) => c.year),
  month: dateFunction((c) => c.month),
  day_of_month: dateFunction((c) => c.day),
  day_of_year: dateFunction((c) => c.days - daysFromCivil(c.year, 1, 1) + 1),
  // 1970-01-01 was a Thursday (4); Sunday is 0.
  day_of_week: dateFunction((c) => (((c.days + 4) % 7) + 7) % 7),
  days_in_month: dateFunction((c) => (c.month === 2 ? (isLeap(c.year) ? 29 : 28) : [4, 6, 9, 11].includes(c.month) ? 30 : 31)),
  hour: dateFunction((c) => c.hour),
  minute: dateFunction((c) => c.minute),
  // Start timestamps (created timestamps) are not stored by Outpost: Prometheus then returns nothing.
  start_timestamp: () => vectorValue([]),
};
