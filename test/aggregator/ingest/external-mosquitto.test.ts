import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectExternalBroker, DEFAULT_EXTERNAL_BROKER, type ExternalBrokerConfig } from '../../../aggregator/ingest/external-broker.ts';
import type { Ingest, IngestCounters } from '../../../aggregator/ingest/ingest.ts';
import { encodeAck } from '../../../protocol/codec.ts';
import { metricsTopic, parseTopic, topicFor } from '../../../protocol/topics.ts';
import { mosquitto, mosquittoBinary, type RunningMosquitto } from '../../helpers/mosquitto.ts';
import { freePort } from '../../helpers/ports.ts';
import { eventually } from '../../helpers/process.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { captureLog } from './broker-harness.ts';

function recording(): Ingest & { seqs: number[] } {
  const seqs: number[] = [];
  return {
    seqs,
    counters: {} as IngestCounters,
    async handle(topic) {
      const parsed = parseTopic(topic);
      if (parsed?.kind !== 'metrics' || parsed.seq === undefined) return undefined;
      seqs.push(parsed.seq);
      return { topic: topicFor(parsed.agent, 'ack'), payload: encodeAck({ seq: parsed.seq, status: 'stored' }) };
    },
  };
}

const binary = mosquittoBinary();

describe.skipIf(binary === undefined)('the external broker client against mosquitto 2', () => {
  let dir: ReturnType<typeof tempDir>;
  let broker: RunningMosquitto;
  const config = (over: Partial<ExternalBrokerConfig>): ExternalBrokerConfig => ({ ...DEFAULT_EXTERNAL_BROKER, url: broker.url, reconnectMs: 100, ...over });
  const publish = async (seqs: readonly number[]) => {
    const agent = await mqtt.connectAsync(broker.url, { clientId: 'test-agent', protocolVersion: 4, reconnectPeriod: 0 });
    for (const seq of seqs) await agent.publishAsync(metricsTopic('pi-1', seq), Buffer.from('batch'), { qos: 1 });
    await agent.endAsync();
  };

  beforeAll(async () => {
    dir = tempDir('external-mosquitto');
    broker = mosquitto({ binary: binary as string, dir: dir.path, port: await freePort() });
    await broker.start();
  });
  afterAll(async () => {
    await broker.stop();
    dir.remove();
  });

  it('speaks MQTT 5 and keeps its session: batches published while it was away arrive when it is back', async () => {
    const first = recording();
    const clientId = 'outpost-aggregator-session-test';
    let transport = await connectExternalBroker(config({ clientId }), first, captureLog());
    expect(transport.protocolVersion()).toBe(5);
    await publish([1]);
    await eventually(async () => (first.seqs.length === 1 ? true : undefined), 5_000, 'the first batch');
    await transport.close();

    await publish([2, 3]);
    const second = recording();
    const log = captureLog();
    transport = await connectExternalBroker(config({ clientId }), second, log);
    await eventually(async () => (second.seqs.length === 2 ? true : undefined), 5_000, 'the queued batches');
    expect(second.seqs).toEqual([2, 3]);
    expect(log.lines).toContain(`info ingesting from ${broker.url} as outpost-aggregator (MQTT 5, resumed its session)`);
    await transport.close();
  });

  it('splits batches between the workers of a shared group, each batch to exactly one', async () => {
    const workers = [recording(), recording()];
    const transports = await Promise.all(
      workers.map((w, i) => connectExternalBroker(config({ clientId: `worker-${i}`, sharedGroup: 'ingest' }), w, captureLog())),
    );
    const seqs = Array.from({ length: 40 }, (_, i) => 100 + i);
    await publish(seqs);
    await eventually(async () => (workers[0]!.seqs.length + workers[1]!.seqs.length === seqs.length ? true : undefined), 5_000, 'every batch');
    for (const w of workers) expect(w.seqs.length).toBeGreaterThan(0);
    expect([...workers[0]!.seqs, ...workers[1]!.seqs].sort((a, b) => a - b)).toEqual(seqs);
    await Promise.all(transports.map((t) => t.close()));
  });
});
