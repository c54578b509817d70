import type { ValueType } from './ast.ts';

/**
 * A function's parameters, as Prometheus 3.x declares them in promql/parser/functions.go.
 *
 * `variadic` 0: exactly `argTypes.length` arguments. Otherwise the last entry of `argTypes` is optional, so at least
 * `argTypes.length - 1` arguments: -1 lets it repeat without limit (label_join's source labels), n > 0 allows up to n
 * arguments of that type (round's to_nearest: n = 1, at most 2 arguments in all).
 */
export interface FunctionSignature {
  readonly argTypes: readonly ValueType[];
  readonly variadic: number;
  readonly returnType: ValueType;
  /** Behind Prometheus' promql-experimental-functions flag (accepted here, as Prometheus' test suite enables it). */
  readonly experimental?: boolean;
}

const fn = (argTypes: ValueType[], returnType: ValueType, variadic = 0, experimental = false): FunctionSignature =>
  experimental ? { argTypes, variadic, returnType, experimental } : { argTypes, variadic, returnType };

/**
 * Every PromQL function of Prometheus 3.x (3.14 development line), including the native-histogram ones
 * (histogram_avg, histogram_count, …), so a query naming one parses and can be refused clearly at evaluation.
 */
export const FUNCTION_SIGNATURES: Readonly<Record<string, FunctionSignature>> = {
  abs: fn(['vector'], 'vector'),
  absent: fn(['vector'], 'vector'),
  absent_over_time: fn(['matrix'], 'vector'),
  acos: fn(['vector'], 'vector'),
  acosh: fn(['vector'], 'vector'),
  asin: fn(['vector'], 'vector'),
  asinh: fn(['vector'], 'vector'),
  atan: fn(['vector'], 'vector'),
  atanh: fn(['vector'], 'vector'),
  avg_over_time: fn(['matrix'], 'vector'),
  ceil: fn(['vector'], 'vector'),
  changes: fn(['matrix'], 'vector'),
  clamp: fn(['vector', 'scalar', 'scalar'], 'vector'),
  clamp_max: fn(['vector', 'scalar'], 'vector'),
  clamp_min: fn(['vector', 'scalar'], 'vector'),
  cos: fn(['vector'], 'vector'),
  cosh: fn(['vector'], 'vector'),
  count_over_time: fn(['matrix'], 'vector'),
  day_of_month: fn(['vector'], 'vector', 1),
  day_of_week: fn(['vector'], 'vector', 1),
  day_of_year: fn(['vector'], 'vector', 1),
  days_in_month: fn(['vector'], 'vector', 1),
  deg: fn(['vector'], 'vector'),
  delta: fn(['matrix'], 'vector'),
  deriv: fn(['matrix'], 'vector'),
  double_exponential_smoothing: fn(['matrix', 'scalar', 'scalar'], 'vector', 0, true),
  end: fn([], 'scalar', 0, true),
  exp: fn(['vector'], 'vector'),
  first_over_time: fn(['matrix'], 'vector'),
  floor: fn(['vector'], 'vector'),
  histogram_avg: fn(['vector'], 'vector'),
  histogram_count: fn(['vector'], 'vector'),
  histogram_fraction: fn(['scalar', 'scalar', 'vector'], 'vector'),
  histogram_quantile: fn(['scalar', 'vector'], 'vector'),
  histogram_quantiles: fn(['vector', 'string', 'scalar', 'scalar'], 'vector', 9, true),
  histogram_stddev: fn(['vector'], 'vector'),
  histogram_stdvar: fn(['vector'], 'vector'),
  histogram_sum: fn(['vector'], 'vector'),
  hour: fn(['vector'], 'vector', 1),
  idelta: fn(['matrix'], 'vector'),
  increase: fn(['matrix'], 'vector'),
  info: fn(['vector', 'vector'], 'vector', 1, true),
  irate: fn(['matrix'], 'vector'),
  label_join: fn(['vector', 'string', 'string', 'string'], 'vector', -1),
  label_replace: fn(['vector', 'string', 'string', 'string', 'string'], 'vector'),
  last_over_time: fn(['matrix'], 'vector'),
  ln: fn(['vector'], 'vector'),
  log10: fn(['vector'], 'vector'),
  log2: fn(['vector'], 'vector'),
  mad_over_time: fn(['matrix'], 'vector', 0, true),
  max_of: fn(['scalar', 'scalar'], 'scalar', 0, true),
  max_over_time: fn(['matrix'], 'vector'),
  min_of: fn(['scalar', 'scalar'], 'scalar', 0, true),
  min_over_time: fn(['matrix'], 'vector'),
  minute: fn(['vector'], 'vector', 1),
  month: fn(['vector'], 'vector', 1),
  pi: fn([], 'scalar'),
  predict_linear: fn(['matrix', 'scalar'], 'vector'),
  present_over_time: fn(['matrix'], 'vector'),
  quantile_over_time: fn(['scalar', 'matrix'], 'vector'),
  rad: fn(['vector'], 'vector'),
  range: fn([], 'scalar', 0, true),
  rate: fn(['matrix'], 'vector'),
  resets: fn(['matrix'], 'vector'),
  round: fn(['vector', 'scalar'], 'vector', 1),
  scalar: fn(['vector'], 'scalar'),
  sgn: fn(['vector'], 'vector'),
  sin: fn(['vector'], 'vector'),
  sinh: fn(['vector'], 'vector'),
  sort: fn(['vector'], 'vector'),
  sort_by_label: fn(['vector', 'string'], 'vector', -1, true),
  sort_by_label_desc: fn(['vector', 'string'], 'vector', -1, true),
  sort_desc: fn(['vector'], 'vector'),
  sqrt: fn(['vector'], 'vector'),
  start: fn([], 'scalar', 0, true),
  start_timestamp: fn(['vector'], 'vector', 0, true),
  stddev_over_time: fn(['matrix'], 'vector'),
  stdvar_over_time: fn(['matrix'], 'vector'),
  step: fn([], 'scalar', 0, true),
  sum_over_time: fn(['matrix'], 'vector'),
  tan: fn(['vector'], 'vector'),
  tanh: fn(['vector'], 'vector'),
  time: fn([], 'scalar'),
  timestamp: fn(['vector'], 'vector'),
  ts_of_first_over_time: fn(['matrix'], 'vector', 0, true),
  ts_of_last_over_time: fn(['matrix'], 'vector', 0, true),
  ts_of_max_over_time: fn(['matrix'], 'vector', 0, true),
  ts_of_min_over_time: fn(['matrix'], 'vector', 0, true),
  vector: fn(['scalar'], 'vector'),
  year: fn(['vector'], 'vector', 1),
};

export function functionSignature(name: string): FunctionSignature | undefined {
  return Object.hasOwn(FUNCTION_SIGNATURES, name) ? FUNCTION_SIGNATURES[name] : undefined;
}
