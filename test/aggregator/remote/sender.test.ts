import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { remoteWriteTo, type RemoteWriteConfig } from '../../../aggregator/remote/sender-config.ts';
import { startRemoteWriteSender, type RemoteWriteSender } from '../../../aggregator/remote/sender.ts';
import type { Timers } from '../../../aggregator/remote/shard.ts';
import { uncompressBlock } from '../../../aggregator/remote/snappy-block.ts';
import { decodeWriteRequest, type WriteRequest } from '../../../aggregator/remote/write-request.ts';
import type { Sample } from '../../../protocol/batch.ts';
import type { Labels } from '../../../protocol/labels.ts';
import type { Logger } from '../../../protocol/log.ts';
import { freePort } from '../../helpers/ports.ts';
import { eventually } from '../../helpers/process.ts';

const T = 1_700_000_000_000;
const DEADLINE = 60_000;

interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
  request: WriteRequest;
}

interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/** A remote write endpoint on loopback that answers from a script (then 204) and records every request. */
let server: Server;
let url: string;
let received: Received[];
let script: Answer[];
let lines: string[];
const log: Logger = { info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) };

beforeEach(async () => {
  received = [];
  script = [];
  lines = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      received.push({ headers: req.headers, body, request: decodeWriteRequest(await uncompressBlock(body, 1 << 24)) });
      const answer = script.shift() ?? { status: 204 };
      res.writeHead(answer.status, answer.headers).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`;
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Timers the test fires by hand; every requested delay is recorded. */
function manualTimers() {
  const pending = new Map<number, { fn: () => void; ms: number }>();
  const delays: number[] = [];
  let next = 0;
  const timers: Timers = {
    setTimeout(fn, ms) {
      pending.set(++next, { fn, ms });
      delays.push(ms);
      return next;
    },
    clearTimeout: (handle) => void pending.delete(handle as number),
  };
  /** Fires the pending timers of this delay (all when none is given). */
  const fire = (ms?: number) => {
    for (const [id, t] of [...pending]) {
      if (ms !== undefined && t.ms !== ms) continue;
      pending.delete(id);
      t.fn();
    }
  };
  return { timers, delays, fire, pending: () => [...pending.values()].map((t) => t.ms) };
}

/** Timers that fire on the next turn of the event loop, recording the delays asked for (backoff checks). */
function immediateTimers() {
  const delays: number[] = [];
  const timers: Timers = {
    setTimeout(fn, ms) {
      delays.push(ms);
      return setImmediate(fn);
    },
    clearTimeout: (handle) => clearImmediate(handle as NodeJS.Immediate),
  };
  return { timers, delays };
}

function config(queue: Partial<RemoteWriteConfig['queue']> = {}, more: Partial<RemoteWriteConfig> = {}): RemoteWriteConfig {
  const base = remoteWriteTo(url);
  return { ...base, ...more, queue: { ...base.queue, maxShards: 1, batchSendDeadlineMs: DEADLINE, ...queue } };
}

let sender: RemoteWriteSender;
const start = (c: RemoteWriteConfig, timers: Timers) => (sender = startRemoteWriteSender(c, { log, userAgent: 'Outpost/test', timers }));

const series: Labels[] = [{ __name__: 'up', job: 'a' }, { __name__: 'load', instance: 'h' }];
const samples = (n: number, seriesIndex = 0): Sample[] => Array.from({ length: n }, (_, i) => ({ series: seriesIndex, t: T + i * 1000, v: i, stale: false }));
const sentValues = () => received.map((r) => r.request.series.flatMap((s) => s.samples.map((x) => x.v)));
const until = (n: number) => eventually(async () => (received.length >= n ? true : undefined), 5_000, `${n} requests`);

describe('remote write sender', () => {
  it('sends full batches at once and a partial batch when batch_send_deadline passes', async () => {
    const clock = manualTimers();
    start(config({ maxSamplesPerSend: 3 }), clock.timers);
    sender.append(series, samples(7));
    await until(2);
    expect(sentValues()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(clock.pending()).toEqual([DEADLINE]);
    clock.fire(DEADLINE);
    await until(3);
    expect(sentValues()[2]).toEqual([6]);
    expect(sender.counters).toMatchObject({ samplesQueued: 7, samplesSent: 7, requestsSucceeded: 3, requestsFailed: 0 });
    await sender.close(1_000);
  });

  it('sends remote write 1.0 headers, the configured headers and credentials', async () => {
    const clock = manualTimers();
    start(config({ maxSamplesPerSend: 1 }, { headers: { 'X-Scope-OrgID': 'edge-1' }, authorization: { type: 'Bearer', credentials: 'tok' } }), clock.timers);
    sender.append(series, samples(1));
    await until(1);
    expect(received[0]?.headers).toMatchObject({
      'content-encoding': 'snappy',
      'content-type': 'application/x-protobuf',
      'user-agent': 'Outpost/test',
      'x-prometheus-remote-write-version': '0.1.0',
      'x-scope-orgid': 'edge-1',
      authorization: 'Bearer tok',
    });
    await sender.close(1_000);
    start(config({ maxSamplesPerSend: 1 }, { basicAuth: { username: 'u', password: 'p:w' } }), clock.timers);
    sender.append(series, samples(1));
    await until(2);
    expect(received[1]?.headers.authorization).toBe(`Basic ${Buffer.from('u:p:w').toString('base64')}`);
    await sender.close(1_000);
  });

  it('groups a batch by series, samples in timestamp order, with the stale marker on the wire', async () => {
    const clock = manualTimers();
    start(config({ maxSamplesPerSend: 4 }), clock.timers);
    sender.append(series, [
      { series: 0, t: T + 2000, v: 2, stale: false },
      { series: 1, t: T, v: 7, stale: false },
      { series: 0, t: T + 1000, v: 1, stale: false },
      { series: 1, t: T + 1000, v: NaN, stale: true },
    ]);
    await until(1);
    const request = received[0]?.request;
    expect(request?.series.map((s) => [s.labels, s.samples.map((x) => [x.t, x.stale])])).toEqual([
      [[['__name__', 'up'], ['job', 'a']], [[T + 1000, false], [T + 2000, false]]],
      [[['__name__', 'load'], ['instance', 'h']], [[T, false], [T + 1000, true]]],
    ]);
    const raw = await uncompressBlock(received[0]?.body as Buffer, 1 << 20);
    // Prometheus' stale marker, 0x7ff0000000000002, little-endian.
    expect(raw.indexOf(Buffer.from('7ff0000000000002', 'hex').reverse())).toBeGreaterThan(0);
    await sender.close(1_000);
  });

  it('retries 5xx and network-level failures with doubling backoff capped at max_backoff, then delivers once', async () => {
    script = [{ status: 500 }, { status: 503 }, { status: 502 }, { status: 500 }, { status: 500 }];
    const clock = immediateTimers();
    start(config({ maxSamplesPerSend: 2, minBackoffMs: 100, maxBackoffMs: 350 }), clock.timers);
    sender.append(series, samples(2));
    await until(6);
    await eventually(async () => (sender.counters.samplesSent === 2 ? true : undefined), 5_000, 'delivery');
    expect(clock.delays.filter((d) => d !== DEADLINE)).toEqual([100, 200, 350, 350, 350]);
    expect(sentValues()).toEqual(Array(6).fill([0, 1]));
    expect(sender.counters).toMatchObject({ retries: 5, requestsFailed: 5, requestsSucceeded: 1, samplesDropped: { rejected: 0 } });
    expect(lines.filter((l) => l.startsWith('warn'))).toEqual([
      `warn remote write ${sender.name}: sending 2 samples failed, retrying with backoff: server returned HTTP status 500 Internal Server Error`,
    ]);
    expect(lines).toContain(`info remote write ${sender.name}: delivered after 5 retries`);
    await sender.close(1_000);
  });

  it('retries 429 after the Retry-After the remote asks for', async () => {
    script = [{ status: 429, headers: { 'Retry-After': '7' } }];
    const clock = immediateTimers();
    start(config({ maxSamplesPerSend: 1 }), clock.timers);
    sender.append(series, samples(1));
    await until(2);
    await eventually(async () => (sender.counters.samplesSent === 1 ? true : undefined), 5_000, 'delivery');
    expect(clock.delays.filter((d) => d !== DEADLINE)).toEqual([7_000]);
  });

  it('drops a batch the remote refuses with 4xx, logs the reason, and goes on with the next', async () => {
    script = [{ status: 400, body: 'out of bounds\nsecond line' }];
    const clock = manualTimers();
    start(config({ maxSamplesPerSend: 2 }), clock.timers);
    sender.append(series, samples(4));
    await until(2);
    await eventually(async () => (sender.counters.samplesSent === 2 ? true : undefined), 5_000, 'second batch');
    expect(sentValues()).toEqual([[0, 1], [2, 3]]);
    expect(sender.counters).toMatchObject({ retries: 0, requestsFailed: 1, samplesDropped: { rejected: 2 } });
    expect(lines).toContain(`warn remote write ${sender.name}: 2 samples dropped, the remote refused them (not retried): server returned HTTP status 400 Bad Request: out of bounds`);
    await sender.close(1_000);
  });

  it('drops the oldest samples when a shard queue is full, counted, logged once per episode', async () => {
    const clock = manualTimers();
    start(config({ capacity: 5, maxSamplesPerSend: 100 }), clock.timers);
    sender.append(series, samples(8));
    sender.append(series, samples(2, 1));
    expect(sender.counters.samplesDropped.queueFull).toBe(5);
    expect(lines.filter((l) => l.includes('queue full'))).toHaveLength(1);
    await sender.close(1_000);
    // The newest five survive: samples 5, 6 and 7 of `up` and both of `load`.
    expect(received.map((r) => r.request.series.map((s) => s.samples.map((x) => x.v)))).toEqual([[[5, 6, 7], [0, 1]]]);
    expect(lines).toContain(`info remote write ${sender.name}: the queue has room again; 5 oldest samples were dropped while it was full`);
    expect(sender.counters.samplesDropped.shutdown).toBe(0);
  });

  it('spreads series over shards and keeps each series in order', async () => {
    const clock = manualTimers();
    start(config({ maxShards: 3, maxSamplesPerSend: 2 }), clock.timers);
    const many: Labels[] = Array.from({ length: 12 }, (_, i) => ({ __name__: 'm', i: String(i) }));
    const all = many.flatMap((_, s) => [0, 1, 2].map((k) => ({ series: s, t: T + k, v: k, stale: false })));
    sender.append(many, all);
    await sender.close(5_000);
    const got = new Map<string, number[]>();
    for (const r of received) for (const s of r.request.series) got.set(JSON.stringify(s.labels), [...(got.get(JSON.stringify(s.labels)) ?? []), ...s.samples.map((x) => x.t)]);
    expect(got.size).toBe(12);
    for (const ts of got.values()) expect(ts).toEqual([T, T + 1, T + 2]);
    expect(sender.counters.samplesSent).toBe(36);
  });

  it('flushes what is queued on close without waiting for the batch deadline', async () => {
    const clock = manualTimers();
    start(config({ maxSamplesPerSend: 100 }), clock.timers);
    sender.append(series, samples(3));
    await sender.close(30_000);
    expect(sentValues()).toEqual([[0, 1, 2]]);
    expect(sender.counters.samplesDropped.shutdown).toBe(0);
    sender.append(series, samples(1));
    expect(sender.counters.samplesDropped.shutdown).toBe(1);
  });

  it('gives up at the flush deadline while the remote fails, counting what was not sent', async () => {
    script = Array(1000).fill({ status: 500 });
    const clock = manualTimers();
    start(config({ maxSamplesPerSend: 2 }), clock.timers);
    sender.append(series, samples(5));
    await until(1);
    const closed = sender.close(10_000);
    // Retrying the first batch: its backoff timer and the flush deadline are pending.
    await eventually(async () => (clock.pending().includes(10_000) && clock.pending().includes(30) ? true : undefined), 5_000, 'backoff');
    clock.fire(10_000);
    await closed;
    expect(sender.counters.samplesDropped.shutdown).toBe(5);
    expect(sender.counters.samplesSent).toBe(0);
    expect(lines).toContain(`warn remote write ${sender.name}: 5 samples not sent within the flush deadline (10s) were dropped`);
  });

  it('retries while the remote is unreachable', async () => {
    const clock = immediateTimers();
    const down = config({ maxSamplesPerSend: 1, minBackoffMs: 10, maxBackoffMs: 10 }, { url: `http://127.0.0.1:${await freePort()}/api/v1/write` });
    start(down, clock.timers);
    sender.append(series, samples(1));
    await eventually(async () => (sender.counters.retries >= 3 ? true : undefined), 5_000, 'retries');
    expect(lines[0]).toMatch(/sending 1 samples failed, retrying with backoff: fetch failed \(ECONNREFUSED\)/);
    await sender.close(0);
    expect(sender.counters.samplesDropped.shutdown).toBe(1);
  });
});
