import { afterEach, describe, expect, it } from 'vitest';
import { memoryQueue } from '../../../agent/buffer/memory-queue.ts';
import { AGENT_SESSION_EXPIRY_SEC, startPublisher, type Publisher } from '../../../agent/publish/publisher.ts';
import type { Logger } from '../../../protocol/log.ts';
import { mosquitto, mosquittoBinary } from '../../helpers/mosquitto.ts';
import { freePort } from '../../helpers/ports.ts';
import { eventually } from '../../helpers/process.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { fakeAggregator, plainAedes, recordingConnect, type FakeAggregator } from './fake-aggregator.ts';

interface BrokerUnderTest {
  readonly url: string;
  close(): Promise<void>;
}

/** aedes 1.2 refuses MQTT 5; mosquitto 2 speaks it. */
const BROKERS: { name: string; version: 4 | 5; available: () => boolean; start: () => Promise<BrokerUnderTest> }[] = [
  { name: 'aedes', version: 4, available: () => true, start: plainAedes },
  {
    name: 'mosquitto',
    version: 5,
    available: () => mosquittoBinary() !== undefined,
    async start() {
      const dir = tempDir('publisher-mosquitto');
      const broker = mosquitto({ binary: mosquittoBinary() as string, dir: dir.path, port: await freePort() });
      await broker.start();
      return {
        url: broker.url,
        async close() {
          await broker.stop();
          dir.remove();
        },
      };
    },
  },
];

const until = (what: string, check: () => boolean, timeoutMs = 10_000) =>
  eventually(async () => (check() ? true : undefined), timeoutMs, what);

describe.each(BROKERS.filter((b) => b.available()))('publisher MQTT version and session, broker: $name', ({ version, start }) => {
  let broker: BrokerUnderTest;
  let fake: FakeAggregator;
  let pub: Publisher | undefined;
  const lines: string[] = [];
  const log: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };

  afterEach(async () => {
    await pub?.close();
    await fake.close();
    await broker.close();
    lines.length = 0;
  });

  it(`speaks MQTT ${version === 5 ? '5' : '3.1.1'}, keeps it across reconnects, and its Will and retained status work`, async () => {
    broker = await start();
    fake = await fakeAggregator(broker.url);
    fake.autoAck = true;
    const queue = memoryQueue();
    const link = recordingConnect();
    pub = startPublisher(
      queue,
      { agent: 'pi-1', brokerUrl: broker.url, windowSize: 4, ackTimeoutMs: 60_000, keepaliveSec: 30, backoff: { minMs: 200, maxMs: 400 } },
      log,
      { connect: link.connect },
    );
    await until('connected', () => pub?.isConnected() === true);
    expect(pub.protocolVersion()).toBe(version);
    // MQTT 5 is always asked for first; a refusal reopens at once with 3.1.1, and nothing else does.
    expect(link.opened.map((o) => o.options.protocolVersion)).toEqual(version === 5 ? [5] : [5, 4]);
    const used = link.opened[link.opened.length - 1]?.options;
    expect(used).toMatchObject({ clean: false, will: { topic: 'outpost/v1/pi-1/status', qos: 1, retain: true } });
    expect(used?.properties).toEqual(version === 5 ? { sessionExpiryInterval: AGENT_SESSION_EXPIRY_SEC } : undefined);

    await queue.enqueue(() => Uint8Array.of(1, 2, 3), 0);
    pub.notify();
    await until('the batch to be acked', () => queue.stats().batches === 0);
    await until('online', () => fake.statuses.some((s) => s.state === 'online' && s.t > 0));

    // A dead link: the broker publishes the Will, the agent reconnects on the version it settled on.
    link.cut();
    await until('the Will', () => fake.statuses.some((s) => s.state === 'offline' && s.t === 0));
    await until('reconnected', () => fake.statuses.filter((s) => s.state === 'online').length === 2);
    expect(pub.protocolVersion()).toBe(version);
    expect(link.opened).toHaveLength(version === 5 ? 1 : 2);
    expect(lines.filter((l) => l.includes('does not speak MQTT 5'))).toHaveLength(version === 5 ? 0 : 1);
    expect(lines.filter((l) => l.startsWith('connected to')).every((l) => l.includes(`(MQTT ${version === 5 ? '5' : '3.1.1'})`))).toBe(true);

    // The status is retained: a newcomer reads "online" at once.
    const late = await fakeAggregator(broker.url);
    try {
      await until('the retained status', () => late.statuses.length > 0);
      expect(late.statuses[0]).toMatchObject({ state: 'online', retain: true });
    } finally {
      await late.close();
    }
  });

  it('keeps its session over a dead link: an ack published while it was away still arrives', async () => {
    broker = await start();
    fake = await fakeAggregator(broker.url);
    const queue = memoryQueue();
    const link = recordingConnect();
    // A long backoff, so that the ack is published while the agent is certainly away.
    pub = startPublisher(
      queue,
      { agent: 'pi-1', brokerUrl: broker.url, windowSize: 4, ackTimeoutMs: 60_000, keepaliveSec: 30, backoff: { minMs: 3_000, maxMs: 3_000 } },
      log,
      { connect: link.connect },
    );
    await until('connected', () => pub?.isConnected() === true);
    await queue.enqueue(() => Uint8Array.of(7), 0);
    pub.notify();
    await until('the batch', () => fake.arrivals.length === 1);

    link.cut();
    await until('the Will', () => fake.statuses.some((s) => s.state === 'offline'));
    await fake.ack(0);
    // The fake aggregator acks nothing more: only the session can bring this ack.
    await until('the ack from the session', () => queue.stats().batches === 0, 15_000);
    expect(pub.counters.batchesAcked).toBe(1);
  }, 30_000);
});
