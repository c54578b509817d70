import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openLmdbQueue } from '../agent/buffer/lmdb-queue.ts';
import { parseByteSize } from '../agent/config/byte-size.ts';
import { buildBatch } from '../protocol/batch.ts';
import { encodeBatch } from '../protocol/codec.ts';
import { freePort } from '../test/helpers/ports.ts';
import { startOutpost, type RunningProcess } from '../test/helpers/process.ts';
import { datasetCollections, generateDataset } from './dataset.ts';
import { payloadTally, remoteWriteMeter, type WireTally } from './wire-size.ts';

export interface DrainOptions {
  readonly hosts: number;
  readonly hours: number;
  readonly timeoutMs: number;
}

export interface Spread {
  readonly count: number;
  readonly p50Ms: number;
  readonly maxMs: number;
}

export interface DrainResult {
  readonly series: number;
  readonly collections: number;
  readonly samples: number;
  readonly backlogBytes: number;
  /** The agent's --backlog-rate, or undefined when this build of the agent has no such flag. */
  readonly backlogRate: string | undefined;
  readonly liveIntervalMs: number;
  readonly drainSeconds: number;
  /** Hours of data drained per hour of wall time. */
  readonly speedup: number;
  /** Samples queryable at the aggregator afterwards, of the backlog's `samples`. */
  readonly stored: number;
  readonly duplicates: number;
  /** Collection to first seen in a query, per live collection; and the age of the newest live sample at each poll. */
  readonly lateness: Spread;
  readonly newestAge: Spread;
  readonly peakRssMB: { readonly aggregator: number; readonly agent: number };
  readonly peakAnonMB: { readonly aggregator: number; readonly agent: number };
  readonly wire: { readonly outpost: WireTally; readonly remoteWrite: readonly (WireTally & { readonly perSend: number })[] };
}

const AGENT = 'bench-edge';
const STEP_MS = 15_000;
/** Live collection every second, so that lateness is sampled finely; the backlog is at 15 s. */
const LIVE_INTERVAL_MS = 1_000;
const QUEUE_BOUND = '2GB';
const QUEUE_MAX_AGE_MS = 7 * 86_400_000;
const POLL_MS = 200;
/** Queued batches that still count as drained: live batches waiting for their ack. */
export const LIVE_SLACK = 2;
/** Prometheus 2.42's default max_samples_per_send (2.44 raised it to 2,000), and that later default. */
export const SAMPLES_PER_SEND = [500, 2_000];

const CLI = fileURLToPath(new URL('../cli/outpost.mjs', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function spread(xs: readonly number[]): Spread {
  const sorted = [...xs].sort((a, b) => a - b);
  return { count: xs.length, p50Ms: sorted[Math.floor(sorted.length / 2)] ?? NaN, maxMs: sorted[sorted.length - 1] ?? NaN };
}

/** From /proc: VmHWM is the peak resident set (LMDB's mapped file pages included); RssAnon the process's own memory. */
function memoryMB(pid: number, field: 'VmHWM' | 'RssAnon'): number {
  const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb ?? NaN) / 1024;
}

/**
 * An agent's queue as 24 h offline at 15 s would leave it: one batch per collection, queued at its collection time,
 * through the agent's own LMDB queue. The same samples are measured as remote_write requests on the way.
 */
async function prefill(queueDir: string, opts: DrainOptions, progress: (line: string) => void) {
  const points = (opts.hours * 3600_000) / STEP_MS;
  const end = Math.floor(Date.now() / STEP_MS) * STEP_MS;
  const data = generateDataset({ hosts: opts.hosts, start: end - (points - 1) * STEP_MS, stepMs: STEP_MS, points });
  const queue = await openLmdbQueue(queueDir, { limits: { maxBytes: parseByteSize(QUEUE_BOUND) as number, maxAgeMs: QUEUE_MAX_AGE_MS } });
  const outpost = payloadTally();
  const meters = SAMPLES_PER_SEND.map((n) => ({ perSend: n, meter: remoteWriteMeter(n) }));
  let done = 0;
  for (const samples of datasetCollections(data)) {
    const t = samples[0]?.t ?? end;
    const queued = await queue.enqueue((seq) => encodeBatch(buildBatch(AGENT, seq, samples)), t, samples.length);
    outpost.add(queued.payload, samples.length);
    for (const { meter } of meters) meter.add(samples);
    if (++done % 500 === 0) progress(`  queued ${done} of ${points} collections`);
  }
  await queue.close();
  return {
    series: data.series.length,
    names: data.series.map((s) => s.labels.__name__ as string),
    collections: points,
    wire: { outpost: outpost.total(), remoteWrite: meters.map(({ perSend, meter }) => ({ perSend, ...meter.finish() })) },
  };
}

async function query(api: string, promql: string): Promise<{ result: { values?: [number, string][]; value?: [number, string] }[] }> {
  const res = await fetch(`${api}/api/v1/query?${new URLSearchParams({ query: promql })}`);
  const body = (await res.json()) as { status: string; error?: string; data: never };
  if (body.status !== 'success') throw new Error(`${promql}: ${body.error}`);
  return body.data;
}

/**
 * Pre-fills the backlog, then starts an aggregator (embedded broker, loopback) and the agent on that data dir and
 * watches the agent's own queue gauge, collected every second with the live data, through the aggregator's API.
 * The drain ends at the first collection whose gauge shows the backlog gone; lateness is measured on that gauge.
 */
export async function measureBacklogDrain(dir: string, opts: DrainOptions, progress: (line: string) => void): Promise<DrainResult> {
  const agentDir = join(dir, 'agent');
  progress(`pre-filling the agent queue: ${opts.hosts} hosts × ${opts.hours} h at 15 s`);
  const filled = await prefill(join(agentDir, 'queue'), opts, progress);
  const samples = filled.wire.outpost.samples;

  const backlogRate = execFileSync(process.execPath, [CLI, 'agent', '--help'], { encoding: 'utf8' }).includes('--backlog-rate') ? '0' : undefined;
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  const api = `http://127.0.0.1:${httpPort}`;
  const procs: RunningProcess[] = [];
  try {
    const aggregator = startOutpost(['aggregator', '--data-dir', join(dir, 'aggregator'), '--http-listen', `127.0.0.1:${httpPort}`, '--mqtt-listen', `127.0.0.1:${mqttPort}`]);
    procs.push(aggregator);
    await aggregator.waitFor('HTTP API and dashboard on');
    const agent = startOutpost([
      'agent', '--id', AGENT, '--broker', `mqtt://127.0.0.1:${mqttPort}`, '--data-dir', agentDir, '--interval', `${LIVE_INTERVAL_MS / 1000}s`,
      '--max-queue-bytes', QUEUE_BOUND, ...(backlogRate !== undefined ? ['--backlog-rate', backlogRate] : []),
    ]);
    procs.push(agent);
    await agent.waitFor('connected to');
    const connectedAt = Date.now();
    progress(`agent connected with ${filled.collections} batches queued; draining`);

    const gauge = `outpost_agent_queue_batches{job="outpost",instance="${AGENT}"}`;
    const lateness: number[] = [];
    const ages: number[] = [];
    const anon = { aggregator: 0, agent: 0 };
    const seen = new Set<number>();
    let newest = 0;
    let endedAt: number | undefined;
    let lastReport = connectedAt;
    while (endedAt === undefined) {
      for (const p of procs) if (p.child.exitCode !== null) throw new Error(`a process exited during the drain:\n${p.output().slice(-2000)}`);
      if (Date.now() - connectedAt > opts.timeoutMs) throw new Error(`the backlog did not drain within ${opts.timeoutMs / 60_000} min`);
      // Every live sample since the connect, so one that arrives late or out of order is still counted.
      const window = Math.ceil((Date.now() - connectedAt) / 1000) + 5;
      const values = (await query(api, `${gauge}[${window}s]`)).result[0]?.values ?? [];
      const seenAt = Date.now();
      let queued = NaN;
      for (const [ts, v] of values) {
        const t = Math.round(ts * 1000);
        if (t < connectedAt) continue;
        if (!seen.has(t)) lateness.push(seenAt - t);
        seen.add(t);
        newest = Math.max(newest, t);
        queued = Number(v);
        if (endedAt === undefined && queued <= LIVE_SLACK) endedAt = t;
      }
      // Before any live sample shows up, the agent has been collecting since it connected: count from there.
      ages.push(seenAt - Math.max(newest, connectedAt));
      anon.aggregator = Math.max(anon.aggregator, memoryMB(aggregator.child.pid as number, 'RssAnon'));
      anon.agent = Math.max(anon.agent, memoryMB(agent.child.pid as number, 'RssAnon'));
      if (seenAt - lastReport >= 15_000) {
        progress(`  ${((seenAt - connectedAt) / 1000).toFixed(0)} s: ${queued} batches queued, newest live sample ${((seenAt - newest) / 1000).toFixed(1)} s old`);
        lastReport = seenAt;
      }
      await sleep(POLL_MS);
    }
    const drainSeconds = (endedAt - connectedAt) / 1000;
    progress(`drained in ${drainSeconds.toFixed(1)} s; counting what the aggregator stored`);

    // Per metric name: count_over_time drops the name, and series differing only by it would collide.
    const names = [...new Set(filled.names)];
    // One at a time: each count selects a whole day of its metric, and all at once would hold the store in memory.
    let stored = 0;
    for (const name of names) {
      const value = (await query(api, `sum(count_over_time(${name}{job="node",instance=~"host-.*"}[${opts.hours + 1}h]))`)).result[0]?.value?.[1];
      stored += Number(value ?? 0);
      progress(`  ${name}: ${value ?? 0}`);
    }
    const agents = (await (await fetch(`${api}/api/agents`)).json()) as { data: { agent: string; duplicates: number }[] };
    return {
      series: filled.series,
      collections: filled.collections,
      samples,
      backlogBytes: filled.wire.outpost.payloadBytes,
      backlogRate,
      liveIntervalMs: LIVE_INTERVAL_MS,
      drainSeconds,
      speedup: (opts.hours * 3600) / drainSeconds,
      stored,
      duplicates: agents.data.find((a) => a.agent === AGENT)?.duplicates ?? NaN,
      lateness: spread(lateness),
      newestAge: spread(ages),
      peakRssMB: { aggregator: memoryMB(aggregator.child.pid as number, 'VmHWM'), agent: memoryMB(agent.child.pid as number, 'VmHWM') },
      peakAnonMB: anon,
      wire: filled.wire,
    };
  } finally {
    for (const p of procs.reverse()) await p.stop('SIGINT');
  }
}
