import { Aedes, type AedesOptions } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BrokerSetupError } from '../../../aggregator/ingest/broker-listen.ts';
import { connectExternalBroker, DEFAULT_EXTERNAL_BROKER, type ExternalBrokerClient, type ExternalBrokerConfig } from '../../../aggregator/ingest/external-broker.ts';
import type { Ingest, IngestCounters } from '../../../aggregator/ingest/ingest.ts';
import { decodeAck, encodeAck } from '../../../protocol/codec.ts';
import { metricsTopic, parseTopic, topicFor } from '../../../protocol/topics.ts';
import { freePort } from '../../helpers/ports.ts';
import { eventually } from '../../helpers/process.ts';
import { captureLog } from './broker-harness.ts';

/** A plain aedes (MQTT 3.1.1 only, no policy): the stand-in for a site's broker that lacks MQTT 5. */
async function plainAedes(port = 0, opts: AedesOptions = {}) {
  const broker = await Aedes.createBroker(opts);
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    broker,
    url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Acks every batch as stored; a batch whose seq is in `hold` waits until release(seq), as a slow disk would. */
function holdingIngest() {
  const topics: string[] = [];
  const held = new Map<number, () => void>();
  const hold = new Set<number>();
  const ingest: Ingest = {
    counters: {} as IngestCounters,
    async handle(topic) {
      topics.push(topic);
      const parsed = parseTopic(topic);
      if (parsed?.kind !== 'metrics' || parsed.seq === undefined) return undefined;
      const seq = parsed.seq;
      if (hold.delete(seq)) await new Promise<void>((resolve) => held.set(seq, resolve));
      return { topic: topicFor(parsed.agent, 'ack'), payload: encodeAck({ seq, status: 'stored' }) };
    },
  };
  return { ingest, topics, hold, release: (seq: number) => held.get(seq)?.() };
}

const config = (url: string, over: Partial<ExternalBrokerConfig> = {}): ExternalBrokerConfig => ({
  ...DEFAULT_EXTERNAL_BROKER,
  url,
  reconnectMs: 100,
  ...over,
});

/** An agent-like client: publishes batches and collects the acks it reads. */
async function agentClient(url: string, agent: string) {
  const client = await mqtt.connectAsync(url, { clientId: `test-${agent}`, username: agent, protocolVersion: 4, reconnectPeriod: 0 });
  const acks: number[] = [];
  client.on('message', (_t, payload) => acks.push(decodeAck(payload).seq));
  await client.subscribeAsync(topicFor(agent, 'ack'), { qos: 1 });
  return { client, acks, publish: (seq: number) => client.publishAsync(metricsTopic(agent, seq), Buffer.from(`batch ${seq}`), { qos: 1 }) };
}

describe('the aggregator as a client of an external broker', () => {
  const cleanup: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  const track = <T extends ExternalBrokerClient | MqttClient>(c: T): T => {
    cleanup.push(() => ('endAsync' in c ? c.endAsync(true) : c.close()));
    return c;
  };

  it('falls back to MQTT 3.1.1 when the broker refuses 5, ingests batches and publishes each ack', async () => {
    const aedes = await plainAedes();
    cleanup.push(() => aedes.close());
    const log = captureLog();
    const { ingest, topics } = holdingIngest();
    const transport = track(await connectExternalBroker(config(aedes.url), ingest, log));
    expect(transport.protocolVersion()).toBe(4);
    expect(log.lines).toContain(`info ${aedes.url} does not speak MQTT 5; using 3.1.1 (no session expiry: the broker keeps the session until it is cleaned)`);

    const pi = await agentClient(aedes.url, 'pi-1');
    cleanup.push(() => pi.client.endAsync(true));
    for (const seq of [3, 4, 5]) await pi.publish(seq);
    await eventually(async () => (pi.acks.length === 3 ? true : undefined), 5_000, 'three acks');
    expect(pi.acks).toEqual([3, 4, 5]);
    expect(topics).toEqual([3, 4, 5].map((seq) => metricsTopic('pi-1', seq)));
    expect(transport.counters).toMatchObject({ messagesReceived: 3, acksPublished: 3, connects: 1 });
  });

  it('PUBACKs a batch only once it is stored: one in hand when the connection drops comes again, a stored one does not', async () => {
    const aedes = await plainAedes();
    cleanup.push(() => aedes.close());
    const { ingest, topics, hold, release } = holdingIngest();
    const transport = track(await connectExternalBroker(config(aedes.url), ingest, captureLog()));
    const pi = await agentClient(aedes.url, 'pi-1');
    cleanup.push(() => pi.client.endAsync(true));

    hold.add(2);
    await pi.publish(1);
    await pi.publish(2);
    await eventually(async () => (topics.length === 2 ? true : undefined), 5_000, 'both batches to reach ingest');
    // The broker side drops the aggregator's connection while batch 2 is still being stored.
    (aedes.broker as unknown as { clients: Record<string, { close(): void }> }).clients[DEFAULT_EXTERNAL_BROKER.clientId]?.close();
    await eventually(async () => (transport.counters.connects === 2 && topics.length === 3 ? true : undefined), 5_000, 'the redelivery');
    expect(topics).toEqual([1, 2, 2].map((seq) => metricsTopic('pi-1', seq)));
    // The stale answer to the first copy must not PUBACK anything on the new connection.
    release(2);
    await eventually(async () => (pi.acks.filter((s) => s === 2).length === 2 ? true : undefined), 5_000, 'acks for both copies');
    // QoS 1 acks may arrive twice themselves (the ack for 1 may be resent after the reconnect): the agent ignores repeats.
    expect([...new Set(pi.acks)].sort()).toEqual([1, 2]);
    expect(topics).toHaveLength(3);
  });

  it('starts while the broker is unreachable, says so, and ingests once it is up', async () => {
    const port = await freePort();
    const log = captureLog();
    const { ingest, topics } = holdingIngest();
    const transport = track(await connectExternalBroker(config(`mqtt://127.0.0.1:${port}`), ingest, log));
    expect(log.lines).toContain(`warn cannot reach the broker at mqtt://127.0.0.1:${port}; retrying every 0.1 s`);
    const aedes = await plainAedes(port);
    cleanup.unshift(() => aedes.close());
    await eventually(async () => (transport.counters.connects === 1 ? true : undefined), 10_000, 'the connection');
    const pi = await agentClient(aedes.url, 'pi-1');
    cleanup.push(() => pi.client.endAsync(true));
    await pi.publish(9);
    await eventually(async () => (pi.acks.length === 1 ? true : undefined), 5_000, 'the ack');
    expect(topics).toEqual([metricsTopic('pi-1', 9)]);
  });

  it('stops start-up with a BrokerSetupError naming the flags when the broker refuses the login', async () => {
    const aedes = await plainAedes(0, {
      authenticate: (_client, _user, _password, done) => done(Object.assign(new Error('no'), { returnCode: 4 }), false),
    });
    cleanup.push(() => aedes.close());
    const attempt = connectExternalBroker(config(aedes.url), holdingIngest().ingest, captureLog());
    await expect(attempt).rejects.toThrow(BrokerSetupError);
    await expect(attempt).rejects.toThrow(/refused user outpost-aggregator: .*Check --mqtt-broker-username and --mqtt-broker-password-file/);
  });
});
