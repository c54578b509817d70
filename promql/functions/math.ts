import type { Value } from '../value.ts';
import { dropMetricName, sample, scalarArg, vectorArg, vectorValue } from './common.ts';
import { goAcos, goAcosh, goAsin, goAsinh, goAtan, goAtanh, goCos, goCosh, goLog, goMax, goMin, goLog10, goLog2, goSin, goSinh, goTan, goTanh } from './gomath.ts';
import { goExp } from './goexp.ts';
import type { CallContext, FunctionImpl } from './registry.ts';

/** A function applied to every sample's value; the result drops the metric name (Prometheus' simpleFloatFunc). */
function simple(f: (v: number) => number): FunctionImpl {
  return (args, ctx) => vectorValue(vectorArg(args, 0).map((s) => sample(dropMetricName(s.metric), ctx.t, f(s.point.v))));
}

function clamp(args: readonly Value[], ctx: CallContext, min: number, max: number): Value {
  if (max < min) return vectorValue([]);
  return vectorValue(vectorArg(args, 0).map((s) => sample(dropMetricName(s.metric), ctx.t, goMax(min, goMin(max, s.point.v)))));
}

export const MATH_FUNCTIONS: Record<string, FunctionImpl> = {
  abs: simple(Math.abs),
  ceil: simple(Math.ceil),
  floor: simple(Math.floor),
  exp: simple(goExp),
  sqrt: simple(Math.sqrt),
  ln: simple(goLog),
  log2: simple(goLog2),
  log10: simple(goLog10),
  sin: simple(goSin),
  cos: simple(goCos),
  tan: simple(goTan),
  asin: simple(goAsin),
  acos: simple(goAcos),
  atan: simple(goAtan),
  sinh: simple(goSinh),
  cosh: simple(goCosh),
  tanh: simple(goTanh),
  asinh: simple(goAsinh),
  acosh: simple(goAcosh),
  atanh: simple(goAtanh),
  rad: simple((v) => (v * Math.PI) / 180),
  deg: simple((v) => (v * 180) / Math.PI),
  // sgn keeps ±0 and NaN as they are.
  sgn: simple((v) => (v < 0 ? -1 : v > 0 ? 1 : v)),

  // round(v, to_nearest=1): ties round up; the inverse is used because it loses less precision (as Prometheus).
  round: (args, ctx) => {
    const toNearest = args.length >= 2 ? scalarArg(args, 1) : 1;
    const inverse = 1 / toNearest;
    return simple((v) => Math.floor(v * inverse + 0.5) / inverse)(args, ctx);
  },

  clamp: (args, ctx) => clamp(args, ctx, scalarArg(args, 1), scalarArg(args, 2)),
  clamp_min: (args, ctx) => clamp(args, ctx, scalarArg(args, 1), Infinity),
  clamp_max: (args, ctx) => clamp(args, ctx, -Infinity, scalarArg(args, 1)),

  pi: (_args, ctx) => ({ type: 'scalar', t: ctx.t, v: Math.PI }),
  // Experimental scalar functions of Prometheus 3.x, with Go's math.Min/Max special cases.
  min_of: (args, ctx) => ({ type: 'scalar', t: ctx.t, v: goMin(scalarArg(args, 0), scalarArg(args, 1)) }),
  max_of: (args, ctx) => ({ type: 'scalar', t: ctx.t, v: goMax(scalarArg(args, 0), scalarArg(args, 1)) }),
};
