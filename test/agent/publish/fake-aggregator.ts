import { Aedes } from 'aedes';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { createServer, type AddressInfo } from 'node:net';
import { decodeStatus, encodeAck, type AckStatus } from '../../../protocol/codec.ts';
import { allAgents, parseTopic, topicFor } from '../../../protocol/topics.ts';

/** A bare aedes 1.2 (MQTT 3.1.1 only, no policy): a broker without MQTT 5. */
export async function plainAedes() {
  const broker = await Aedes.createBroker();
  const server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Arrival {
  readonly seq: number;
  readonly bytes: number;
}

export interface SeenStatus {
  readonly state: string;
  readonly t: number;
  readonly retain: boolean;
}

/**
 * The test in the aggregator's seat: records every batch in arrival order and every status, and acks when told
 * to (or every batch at once with `autoAck`), so a test decides what is waiting at the agent at each moment.
 */
export interface FakeAggregator {
  readonly arrivals: Arrival[];
  readonly statuses: SeenStatus[];
  autoAck: boolean;
  ack(seq: number, status?: AckStatus): Promise<void>;
  close(): Promise<void>;
}

export async function fakeAggregator(url: string, agent = 'pi-1'): Promise<FakeAggregator> {
  const client: MqttClient = await mqtt.connectAsync(url, { clientId: `fake-aggregator-${process.pid}`, protocolVersion: 4, reconnectPeriod: 0 });
  const fake: FakeAggregator = {
    arrivals: [],
    statuses: [],
    autoAck: false,
    async ack(seq, status = 'stored') {
      await client.publishAsync(topicFor(agent, 'ack'), Buffer.from(encodeAck({ seq, status })), { qos: 1 });
    },
    close: () => client.endAsync(true),
  };
  client.on('message', (topic, payload, packet) => {
    const parsed = parseTopic(topic);
    if (parsed?.kind === 'status') fake.statuses.push({ ...decodeStatus(payload), retain: packet.retain });
    if (parsed?.kind !== 'metrics' || parsed.seq === undefined) return;
    fake.arrivals.push({ seq: parsed.seq, bytes: payload.byteLength });
    if (fake.autoAck) void fake.ack(parsed.seq);
  });
  await client.subscribeAsync([allAgents('metrics'), allAgents('status')], { qos: 1 });
  return fake;
}

/** mqtt.connect that keeps every client it opens and the options each was opened with, so a test can cut a link. */
export function recordingConnect() {
  const opened: { client: MqttClient; options: IClientOptions }[] = [];
  return {
    opened,
    connect: (url: string, options: IClientOptions) => {
      const client = mqtt.connect(url, options);
      opened.push({ client, options });
      return client;
    },
    /** Cuts the newest client's socket without a DISCONNECT, as a dead link does: the broker sends the Will. */
    cut() {
      opened[opened.length - 1]?.client.stream.destroy();
    },
  };
}
