import mqtt, { type MqttClient } from 'mqtt';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTsdbStore } from '../../aggregator/store/tsdb-store.ts';
import { BATCH_VERSION, type Batch, type Sample } from '../../protocol/batch.ts';
import { decodeAck, encodeBatch } from '../../protocol/codec.ts';
import { agentClientId, metricsTopic, topicFor } from '../../protocol/topics.ts';
import { makeMatcher } from '../../promql/matcher.ts';
import { checkStore } from '../tsdb/store/tsdb-consistency.ts';
import { freePort } from '../helpers/ports.ts';
import { type RunningProcess, startAggregatorProcess, stopAll } from '../helpers/process.ts';
import { tempDir } from '../helpers/tmp.ts';
import { samplesOf } from '../../promql/columns.ts';

const AGENTS = ['crash-a', 'crash-b', 'crash-c', 'crash-d'];
const SERIES = 50;
const STEPS = 10;
const S = 1000;
const IN_FLIGHT = 16;
const BASE = Math.floor(Date.now() / S) * S - 86_400_000;

/**
 * Batch `seq` of an agent: STEPS in-order samples for each series, and from seq 5 on five late samples per series
 * between those of batch seq − 5, some stale markers: every (series, timestamp) occurs in exactly one batch, so
 * what the store holds can be compared with the batches it stored, sample for sample.
 */
function batchOf(agent: string, seq: number): Batch {
  const series = Array.from({ length: SERIES }, (_, i) => ({ __name__: 'crash_metric', agent, i: String(i) }));
  const samples: Sample[] = [];
  for (let i = 0; i < SERIES; i++) {
    for (let j = 0; j < STEPS; j++) {
      samples.push({ series: i, t: BASE + (seq * STEPS + j) * S, v: seq * STEPS + j + i / 4, stale: seq % 7 === 3 && j === STEPS - 1 });
    }
    if (seq >= 5) for (let j = 0; j < 5; j++) samples.push({ series: i, t: BASE + ((seq - 5) * STEPS + j) * S + 500, v: -seq - j / 8, stale: false });
  }
  return { version: BATCH_VERSION, agent, seq, series, samples };
}

/** One simulated agent: publishes numbered batches with up to IN_FLIGHT unacknowledged, sometimes one again. */
async function runAgent(agent: string, port: number, firstSeq: number, acked: Set<string>, stop: { now: boolean }): Promise<number> {
  const client: MqttClient = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    clientId: agentClientId(agent),
    username: agent,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  const inFlight = new Set<number>();
  let wake = () => {};
  let closed = false;
  client.on('message', (_topic, payload) => {
    const ack = decodeAck(payload);
    if (ack.status === 'stored' || ack.status === 'duplicate') acked.add(`${agent}/${ack.seq}`);
    inFlight.delete(ack.seq);
    wake();
  });
  client.on('close', () => {
    closed = true;
    wake();
  });
  client.on('error', () => {});
  await client.subscribeAsync(topicFor(agent, 'ack'), { qos: 1 });
  let seq = firstSeq;
  let sends = 0;
  while (!stop.now && !closed) {
    if (inFlight.size >= IN_FLIGHT) {
      await new Promise<void>((resolve) => (wake = resolve));
      continue;
    }
    // Every tenth batch, a batch sent before goes again, as after a lost ack: it must be answered as a duplicate.
    const send = ++sends % 10 === 0 && seq - 3 >= firstSeq ? seq - 3 : seq++;
    inFlight.add(send);
    client.publish(metricsTopic(agent, send), Buffer.from(encodeBatch(batchOf(agent, send))), { qos: 1 });
    await new Promise((r) => setImmediate(r));
  }
  client.end(true);
  return seq;
}

describe('the aggregator killed with SIGKILL during heavy ingest', () => {
  const dir = tempDir('tsdb-crash');
  afterAll(async () => {
    await stopAll();
    dir.remove();
  });

  it('restarts with a consistent store that holds every acknowledged sample exactly once', async () => {
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    const dataDir = join(dir.path, 'aggregator');
    const start = async (): Promise<RunningProcess> => (await startAggregatorProcess(dataDir, { httpPort, mqttPort })).process;
    const acked = new Set<string>();
    const next = new Map(AGENTS.map((a) => [a, 0]));

    /** Ingests for `ms`, then kills the aggregator while the agents are still publishing. */
    const ingestAndKill = async (aggregator: RunningProcess, ms: number) => {
      const stop = { now: false };
      const before = acked.size;
      const agents = AGENTS.map((a) => runAgent(a, mqttPort, next.get(a) as number, acked, stop).then((seq) => next.set(a, seq)));
      await new Promise((r) => setTimeout(r, ms));
      await aggregator.stop('SIGKILL');
      stop.now = true;
      await Promise.all(agents);
      expect(acked.size - before).toBeGreaterThan(200);
    };

    // Twice: the second crash hits a store that restarted from a checkpoint plus a replayed WAL.
    for (let round = 0; round < 2; round++) {
      await ingestAndKill(await start(), 5_000);
      const check = await checkStore(join(dataDir, 'store'));
      expect(check.problems).toEqual([]);
      // Besides the agents' series, the aggregator stores a few of its own (agent status, alerts).
      expect(check.series).toBeGreaterThanOrEqual(AGENTS.length * SERIES);
    }

    const aggregator = await start();
    const res = await fetch(`http://127.0.0.1:${httpPort}/api/v1/query?query=${encodeURIComponent('count(last_over_time(crash_metric[2d]))')}&time=${Date.now() / 1000}`);
    const served = (await res.json()) as { data: { result: { value: [number, string] }[] } };
    expect(await aggregator.stop('SIGINT')).toBe(0);
    expect(served.data.result[0]?.value[1]).toBe(String(AGENTS.length * SERIES));

    const store = await openTsdbStore(join(dataDir, 'store'));
    try {
      // Per series ("agent i"): timestamp → value of every stored batch's samples.
      const expected = new Map<string, Map<number, number | 'stale'>>();
      let stored = 0;
      for (const agent of AGENTS) {
        for (let seq = 0; seq < (next.get(agent) as number); seq++) {
          if (!store.hasBatch(agent, seq)) {
            expect(acked.has(`${agent}/${seq}`), `acknowledged batch ${agent}/${seq} was lost`).toBe(false);
            continue;
          }
          stored++;
          for (const s of batchOf(agent, seq).samples) {
            const key = `${agent} ${s.series}`;
            if (!expected.has(key)) expected.set(key, new Map());
            expected.get(key)?.set(s.t, s.stale ? 'stale' : s.v);
          }
        }
      }
      expect(stored).toBeGreaterThanOrEqual(acked.size);
      // Each stored sample read back once, with its value, and nothing else (compared by hand: a deep equality
      // over millions of entries takes longer than the rest of the test).
      const wrong: string[] = [];
      let read = 0;
      for (const series of store.select([makeMatcher('=', '__name__', 'crash_metric')], BASE - 1, BASE + 1e10)) {
        const key = `${series.labels.agent} ${series.labels.i}`;
        const want = expected.get(key) ?? new Map<number, number | 'stale'>();
        for (const s of samplesOf(series)) {
          read++;
          const value = want.get(s.t);
          if (value === undefined || value !== (s.stale ? 'stale' : s.v)) wrong.push(`${key} at ${s.t}: read ${s.stale ? 'stale' : s.v}, stored ${value}`);
          want.delete(s.t);
        }
      }
      expect(wrong.slice(0, 5)).toEqual([]);
      const unread = [...expected].filter(([, left]) => left.size > 0).map(([key, left]) => `${key}: ${left.size}`);
      expect(unread, 'stored samples not read back').toEqual([]);
      expect(read).toBeGreaterThan(100_000);
    } finally {
      await store.close();
    }
    expect((await checkStore(join(dataDir, 'store'))).problems).toEqual([]);
  }, 240_000);
});
