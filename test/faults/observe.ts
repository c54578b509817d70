import type { AgentState } from '../../aggregator/ingest/agent-registry.ts';
import { eventually, type RunningProcess } from '../helpers/process.ts';
import { COUNTER, type CounterTarget } from './counter-target.ts';

/** What the aggregator's public API says; every count in the fault tests is read through it. */
interface QueryResponse {
  status: string;
  data: { resultType: string; result: { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[] };
}

async function query(api: string, promql: string): Promise<QueryResponse['data']> {
  const res = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await res.json()) as QueryResponse;
  if (body.status !== 'success') throw new Error(`${promql}: ${JSON.stringify(body)}`);
  return body.data;
}

export interface StoredSample {
  readonly t: number;
  readonly v: number;
}

/** Every sample of the target's counter in the aggregator's store, in time order (a range selector, Prometheus' raw samples). */
export async function counterSamples(api: string, target: CounterTarget): Promise<StoredSample[]> {
  const data = await query(api, `${COUNTER}{instance="${target.address}"}[1h]`);
  const series = data.result[0];
  if (data.result.length > 1) throw new Error(`expected one series for ${target.address}, got ${data.result.length}`);
  return (series?.values ?? []).map(([t, v]) => ({ t: Math.round(t * 1000), v: Number(v) }));
}

export const values = (samples: readonly StoredSample[]) => samples.map((s) => s.v);

/** 1..n: every value the target produced, once each. */
export const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Waits until the store holds `n` samples of the target's counter (or more: the caller's assertion then fails). */
export async function waitForSamples(api: string, target: CounterTarget, n: number, timeoutMs = 30_000): Promise<StoredSample[]> {
  let last: StoredSample[] = [];
  try {
    return await eventually(async () => {
      last = await counterSamples(api, target);
      return last.length >= n ? last : undefined;
    }, timeoutMs, `${n} samples of ${COUNTER} from ${target.address}`);
  } catch (err) {
    throw new Error(`${(err as Error).message}; stored ${last.length}: ${JSON.stringify(values(last))}${describeGaps(last)}`);
  }
}

/**
 * Where values are missing, the spacing of the neighbours' timestamps tells a lost batch (a gap in time) from two
 * scrapes that shared a timestamp (no gap).
 */
function describeGaps(samples: readonly StoredSample[]): string {
  const gaps: string[] = [];
  for (let i = 1; i < samples.length; i++) {
    const [a, b] = [samples[i - 1] as StoredSample, samples[i] as StoredSample];
    if (b.v - a.v !== 1) gaps.push(`${a.v}@${a.t} → ${b.v}@${b.t} (${b.t - a.t} ms apart)`);
  }
  return gaps.length ? `; gaps: ${gaps.join(', ')}` : '';
}

/** Polls quickly until the store holds more than `n` samples: the moment ingest of a backlog has begun. */
export async function waitForMoreThan(api: string, target: CounterTarget, n: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await counterSamples(api, target).catch(() => [])).length <= n) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for more than ${n} samples from ${target.address}`);
    await sleep(20);
  }
}

/** The latest value of an instant query with one series, or undefined. */
export async function latest(api: string, promql: string): Promise<number | undefined> {
  const data = await query(api, promql);
  const v = data.result[0]?.value?.[1];
  return v === undefined ? undefined : Number(v);
}

export async function agentState(api: string, agent: string): Promise<AgentState | undefined> {
  const res = await fetch(`${api}/api/agents`);
  const body = (await res.json()) as { data: AgentState[] };
  return body.data.find((a) => a.agent === agent);
}

/** Resolves once `text` occurs at least `n` times in the process' output. */
export async function waitForOccurrences(proc: RunningProcess, text: string, n: number, timeoutMs = 30_000): Promise<void> {
  await eventually(async () => (proc.output().split(text).length - 1 >= n ? true : undefined), timeoutMs, `${n}× ${JSON.stringify(text)}`).catch(
    (err: Error) => {
      throw new Error(`${err.message}\n${proc.output()}`);
    },
  );
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
