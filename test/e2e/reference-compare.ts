/** One /api/v1/query or /api/v1/query_range answer, with the HTTP status it came with. */
export interface ApiResponse {
  readonly httpStatus: number;
  readonly status: 'success' | 'error';
  readonly errorType?: string;
  readonly error?: string;
  readonly data?: { resultType: string; result: unknown };
}

type Pair = [number, string];
interface Series {
  metric: Record<string, string>;
  value?: Pair;
  values?: Pair[];
}

/**
 * Float results agree when equal to 1 part in 10^9: the two engines may sum in different orders (Prometheus 3
 * moved avg and stddev to Kahan summation), which changes the last bits and nothing a user could see.
 */
function sameValue(a: string, b: string): boolean {
  if (a === b) return true;
  const [x, y] = [Number(a), Number(b)];
  if (Number.isNaN(x) || Number.isNaN(y)) return false;
  return Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
}

const key = (m: Record<string, string>) => JSON.stringify(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1)));

function samePoints(a: Pair[], b: Pair[]): string | undefined {
  if (a.length !== b.length) return `${a.length} points, Outpost ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    const [[ta, va], [tb, vb]] = [a[i] as Pair, b[i] as Pair];
    if (ta !== tb || !sameValue(va, vb)) return `point ${i}: ${JSON.stringify(a[i])}, Outpost ${JSON.stringify(b[i])}`;
  }
  return undefined;
}

/**
 * Where Outpost's answer differs from Prometheus', in a few words; undefined when they agree. Series order counts
 * only where the query asks for it (sort, sort_desc): otherwise Prometheus' instant vector order is unspecified.
 * Error messages are not compared, only the errorType and HTTP status that clients act on.
 */
export function compareResponses(query: string, want: ApiResponse, got: ApiResponse): string | undefined {
  if (want.status !== got.status) {
    return `Prometheus ${want.status} ${want.error ?? ''}, Outpost ${got.status} ${got.error ?? ''}`.trim();
  }
  if (want.status === 'error') {
    if (want.errorType !== got.errorType || want.httpStatus !== got.httpStatus) {
      return `Prometheus ${want.httpStatus} ${want.errorType}, Outpost ${got.httpStatus} ${got.errorType}`;
    }
    return undefined;
  }
  const [w, g] = [want.data!, got.data!];
  if (w.resultType !== g.resultType) return `resultType ${w.resultType}, Outpost ${g.resultType}`;
  if (w.resultType === 'scalar' || w.resultType === 'string') return samePoints([w.result as Pair], [g.result as Pair]);

  const ordered = /^\s*sort(_desc)?\(/.test(query);
  const arrange = (list: Series[]) => (ordered ? list : [...list].sort((a, b) => (key(a.metric) < key(b.metric) ? -1 : 1)));
  const [ws, gs] = [arrange(w.result as Series[]), arrange(g.result as Series[])];
  if (ws.length !== gs.length) return `${ws.length} series, Outpost ${gs.length}`;
  for (let i = 0; i < ws.length; i++) {
    const [a, b] = [ws[i] as Series, gs[i] as Series];
    if (key(a.metric) !== key(b.metric)) return `series ${i}: ${key(a.metric)}, Outpost ${key(b.metric)}`;
    const diff = samePoints(a.values ?? [a.value as Pair], b.values ?? [b.value as Pair]);
    if (diff) return `${key(a.metric)} ${diff}`;
  }
  return undefined;
}
