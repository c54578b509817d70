/**
 * The query set compared between Outpost and Prometheus 2.42 on identical data (bench/dataset.ts): every operator,
 * every matching modifier and every function both versions share. Functions Prometheus 2.42 does not have
 * (sort_by_label, mad_over_time, limitk, limit_ratio, info) are covered by the promqltest scripts instead.
 */
const cpu = 'node_cpu_seconds_total';
const net = 'node_network_receive_bytes_total';
const temp = 'node_hwmon_temp_celsius';
const bucket = 'http_request_duration_seconds_bucket';

const selectors = [
  cpu,
  `${cpu}{mode="idle"}`,
  `${cpu}{mode!="idle",cpu=~"0|1"}`,
  `${cpu}{mode=~"i.*",cpu!~"3"}`,
  `{__name__=~"node_load1|up"}`,
  `${temp} offset 10m`,
  `${temp}[5m]`,
  `${temp}[2m] offset 3m`,
  'up',
  'node_load1 @ end()',
  'node_load1 @ start()',
  `${temp}[10m:1m]`,
  `${temp}[10m:]`,
  `max_over_time(${temp}[10m:2m] offset 1m)`,
];

const operators = [
  'node_load1 + 1', '2 * node_load1', 'node_load1 - node_load1', 'node_load1 / 0', '-node_load1', 'node_load1 % 0.3',
  'node_load1 ^ 2', '1 + 2 * 3 ^ 2 ^ 0.5 - 4 / 2 % 3',
  'node_load1 > 1', 'node_load1 >= bool 1', 'node_load1 < 1.2', 'node_load1 <= bool 1.2', 'node_load1 == bool node_load1',
  'node_load1 != 1', '1 < bool 2', 'node_load1 > bool 1 and node_load1 > 1',
  `${cpu} / on(instance, cpu) group_left sum by (instance, cpu) (${cpu})`,
  `sum by (instance, cpu) (${cpu}) / on(instance, cpu) group_right ${cpu}`,
  `${cpu} / ignoring(mode) group_left sum without (mode) (${cpu})`,
  `${cpu}{mode="idle"} + ignoring(mode) ${cpu}{mode="user"}`,
  `${cpu}{mode="idle"} > bool on(instance, cpu) ${cpu}{mode="user"}`,
  'node_load1 * on(instance) group_left(fstype) node_filesystem_avail_bytes{mountpoint="/"}',
  `${cpu}{mode="idle"} and ${cpu}{cpu="1"}`, `${cpu}{mode="idle"} or ${cpu}{mode="user"}`,
  `${cpu}{mode="idle"} unless on(cpu) ${cpu}{cpu="1"}`, 'up or vector(0)', 'node_load1 and on() vector(1)',
  'node_load1 unless ignoring(instance) up',
];

const aggregations = [
  ...['sum', 'avg', 'min', 'max', 'count', 'group', 'stddev', 'stdvar'].flatMap((op) => [
    `${op}(${cpu})`, `${op} by (mode) (${cpu})`, `${op} without (cpu) (${cpu})`,
  ]),
  `topk(3, ${cpu})`, `bottomk(2, ${cpu}) by (mode)`, `topk by (instance) (1, ${temp})`,
  `quantile(0.9, ${temp})`, `quantile by (instance) (0.25, ${temp})`, `quantile(2, ${temp})`,
  'count_values("load", round(node_load1))', `count_values without (sensor) ("t", round(${temp}))`,
  'sum(up) by (job)', 'avg(node_load1) / scalar(count(node_load1))',
];

const rangeFns = [
  'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'changes', 'resets',
  'avg_over_time', 'min_over_time', 'max_over_time', 'sum_over_time', 'count_over_time', 'stddev_over_time',
  'stdvar_over_time', 'last_over_time', 'present_over_time', 'absent_over_time',
];
const rangeFunctions = [
  ...rangeFns.map((f) => `${f}(${net}[5m])`),
  ...rangeFns.map((f) => `${f}(${temp}[3m])`),
  `rate(${cpu}[1m])`, `rate(${cpu}[10m] offset 5m)`, `increase(${net}[1h])`,
  `sum by (mode) (rate(${cpu}[5m]))`, `quantile_over_time(0.9, ${temp}[10m])`, `quantile_over_time(0.5, ${temp}[10m])`,
  `predict_linear(node_filesystem_avail_bytes[30m], 3600)`,
  `absent_over_time(up[1m])`, `absent_over_time(nonexistent[5m])`, `max_over_time(rate(${net}[2m])[10m:1m])`,
  `deriv(node_load1[10m])`, `rate(${temp}[5m:30s])`,
];

const histogramQueries = [
  `histogram_quantile(0.9, rate(${bucket}[5m]))`,
  `histogram_quantile(0.5, sum by (le) (rate(${bucket}[10m])))`,
  `histogram_quantile(0.99, sum by (le, handler) (rate(${bucket}[5m])))`,
  `histogram_quantile(1.5, rate(${bucket}[5m]))`, `histogram_quantile(-1, rate(${bucket}[5m]))`,
  `histogram_quantile(0.9, ${bucket})`,
  'rate(http_request_duration_seconds_sum[5m]) / rate(http_request_duration_seconds_count[5m])',
];

const otherFunctions = [
  ...['abs', 'ceil', 'floor', 'exp', 'sqrt', 'ln', 'log2', 'log10', 'sgn', 'round'].map((f) => `${f}(node_load1 - 1)`),
  ...['sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh', 'deg', 'rad'].map(
    (f) => `${f}(node_load1 / 4)`,
  ),
  'round(node_load1, 0.5)', 'clamp(node_load1, 0.5, 1.5)', 'clamp_min(node_load1, 1)', 'clamp_max(node_load1, 1)',
  'clamp(node_load1, 2, 1)', 'pi()', 'time()', 'timestamp(node_load1)', 'timestamp(node_load1 offset 2m)',
  'vector(time())', 'scalar(node_load1{instance="host-000:9100"})', 'scalar(node_load1)',
  ...['minute', 'hour', 'day_of_week', 'day_of_month', 'day_of_year', 'days_in_month', 'month', 'year'].flatMap((f) => [
    `${f}()`, `${f}(node_load1 * 0 + 1700000000)`,
  ]),
  'sort(node_load1)', 'sort_desc(node_load1)', `sort(sum by (mode) (${cpu}))`,
  'absent(nonexistent)', 'absent(nonexistent{job="x", instance=~"y"})', 'absent(up)',
  'label_replace(up, "host", "$1", "instance", "(.*):.*")', 'label_replace(up, "instance", "", "instance", ".*")',
  'label_join(up, "both", "/", "job", "instance")', 'label_replace(up, "x", "$2", "instance", "(.*)")',
  `sum by (instance) (rate(${cpu}{mode!="idle"}[5m])) / count by (instance) (count by (instance, cpu) (${cpu}))`,
  '1 - avg by (instance) (irate(node_cpu_seconds_total{mode="idle"}[5m]))',
  '(node_filesystem_avail_bytes / 1e9) < 300', 'predict_linear(node_filesystem_avail_bytes{mountpoint="/"}[1h], 4 * 3600) < 0',
];

/** Queries that fail the same way in both: the errorType must match. */
const failing = [
  'sum(', 'rate(node_load1)', 'node_load1[5m] + 1', 'label_replace(up, "", "", "instance", "")',
  `${cpu} / on(instance) ${cpu}`, `${cpu}{mode="idle"} + on(cpu) group_left ${cpu}`,
];

export const INSTANT_QUERIES = [...selectors, ...operators, ...aggregations, ...rangeFunctions, ...histogramQueries, ...otherFunctions, ...failing];

/** Range queries take instant vectors and scalars only: the range selectors and subqueries above are left out. */
export const RANGE_QUERIES = INSTANT_QUERIES.filter((q) => !/\]$|\] offset \d+m$/.test(q));

/**
 * Where Prometheus 3 (Outpost's contract) changed what 2.42 answers. Each must still differ, which shows that
 * Outpost follows 3.x here rather than matching the older reference by accident.
 */
export const VERSION_DIFFERENCES: ReadonlyArray<{ query: string; why: string; onGrid?: true }> = [
  { query: 'node_load1 atan2 node_load1', why: 'Prometheus 3 drops the metric name for atan2 like every arithmetic operator; 2.42 kept it' },
  { query: `holt_winters(${temp}[10m], 0.5, 0.5)`, why: 'Prometheus 3 removed holt_winters (double_exponential_smoothing is behind a feature flag)' },
  { query: 'label_replace(up, "1bad", "$1", "instance", "(.*)")', why: 'Prometheus 3 accepts UTF-8 label names; 2.42 refused "1bad"' },
  // Asked at a sample's own timestamp, so that one sample sits exactly at t - 1m.
  { query: `${temp}{sensor="temp1"}[1m]`, why: 'Prometheus 3 range selectors are left-open: 2.42 also returns the sample at t - 1m', onGrid: true },
];
