import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryQueue } from '../../../agent/buffer/memory-queue.ts';
import type { BatchQueue } from '../../../agent/buffer/queue.ts';
import { droppedSeqs } from '../../../agent/publish/dropped-seqs.ts';
import { startPublisher, type Publisher, type PublisherDeps, type PublisherOptions } from '../../../agent/publish/publisher.ts';
import type { Logger } from '../../../protocol/log.ts';
import { eventually } from '../../helpers/process.ts';
import { fakeAggregator, plainAedes, type FakeAggregator } from './fake-aggregator.ts';

const log: Logger = { info: () => {}, warn: () => {}, error: () => {} };
const payload = (bytes: number) => () => new Uint8Array(bytes);
const seqs = (fake: FakeAggregator) => fake.arrivals.map((a) => a.seq);
const until = (what: string, check: () => boolean, timeoutMs = 10_000) =>
  eventually(async () => (check() ? true : undefined), timeoutMs, what);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('publisher lanes: live first, backlog oldest first under a bandwidth cap', () => {
  let broker: Awaited<ReturnType<typeof plainAedes>>;
  let fake: FakeAggregator;
  const publishers: Publisher[] = [];

  beforeEach(async () => {
    broker = await plainAedes();
    fake = await fakeAggregator(broker.url);
  });
  afterEach(async () => {
    for (const p of publishers.splice(0)) await p.close();
    await fake.close();
    await broker.close();
  });

  const start = (queue: BatchQueue, opts: Partial<PublisherOptions> = {}, deps: PublisherDeps = {}) => {
    const p = startPublisher(
      queue,
      { agent: 'pi-1', brokerUrl: broker.url, windowSize: 4, ackTimeoutMs: 60_000, keepaliveSec: 30, backoff: { minMs: 100, maxMs: 500 }, ...opts },
      log,
      deps,
    );
    publishers.push(p);
    return p;
  };

  it('sends batches queued after connecting ahead of the backlog, and the backlog oldest first', async () => {
    const queue = memoryQueue();
    for (let i = 0; i < 20; i++) await queue.enqueue(payload(100), i);
    const pub = start(queue);
    // The backlog may take all of the window but one slot.
    await until('three backlog batches in flight', () => fake.arrivals.length === 3);
    expect(seqs(fake)).toEqual([0, 1, 2]);

    // Two fresh batches: the first takes the free slot at once, the second goes on the next ack, before batch 3.
    await queue.enqueue(payload(100), 100);
    await queue.enqueue(payload(100), 101);
    pub.notify();
    await until('the first live batch', () => fake.arrivals.length === 4);
    await fake.ack(0);
    await until('the second live batch', () => fake.arrivals.length === 5);
    expect(seqs(fake)).toEqual([0, 1, 2, 20, 21]);

    fake.autoAck = true;
    for (const seq of [1, 2, 20, 21]) await fake.ack(seq);
    await until('the queue to drain', () => queue.stats().batches === 0);
    expect(seqs(fake)).toEqual([0, 1, 2, 20, 21, ...Array.from({ length: 17 }, (_, i) => i + 3)]);
    expect(pub.counters.batchesSent).toEqual({ live: 2, backlog: 20 });
    expect(pub.counters.bytesSent).toEqual({ live: 200, backlog: 2000 });
  });

  it('holds the backlog to its byte rate over (injected) time, and never holds back live batches', async () => {
    const queue = memoryQueue();
    const size = 1000;
    const rate = 2000;
    for (let i = 0; i < 12; i++) await queue.enqueue(payload(size), i);
    let t = 0;
    fake.autoAck = true;
    const pub = start(queue, { backlogBytesPerSec: rate }, { now: () => t });
    await until('the first backlog batch', () => pub.counters.bytesSent.backlog === size);

    // The bucket is in debt now, yet fresh batches go at once.
    for (let i = 0; i < 3; i++) await queue.enqueue(payload(5000), 100 + i);
    pub.notify();
    await until('the live batches', () => pub.counters.batchesSent.live === 3);
    expect(pub.counters.bytesSent.backlog).toBe(size);

    for (t = 100; t <= 6_000; t += 100) {
      pub.notify();
      // At most rate × elapsed + one batch; and, acks being instant, no less than that minus one batch.
      const allowed = (rate * t) / 1000 + size;
      await until(`the backlog to keep pace at ${t} ms`, () => pub.counters.bytesSent.backlog >= Math.min(12 * size, allowed - size), 5_000);
      await sleep(10);
      expect(pub.counters.bytesSent.backlog).toBeLessThanOrEqual(allowed);
    }
    await until('the queue to drain', () => queue.stats().batches === 0);
    expect(seqs(fake).filter((s) => s < 12)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(pub.counters.bytesSent.live).toBe(3 * 5000);
  });

  it('treats what waited through an ack timeout as backlog: resent under the cap, behind fresh batches', async () => {
    const queue = memoryQueue();
    let t = 0;
    const pub = start(queue, { ackTimeoutMs: 5_000 }, { now: () => t });
    await until('connected', () => pub.isConnected());
    await queue.enqueue(payload(10), 0);
    pub.notify();
    await until('the live batch', () => fake.arrivals.length === 1);
    expect(pub.counters.batchesSent).toEqual({ live: 1, backlog: 0 });

    // No ack for longer than the timeout: the next tick of the publisher resends it, now as backlog.
    t = 6_000;
    await until('the resend', () => fake.arrivals.length === 2, 5_000);
    expect(pub.counters.batchesSent).toEqual({ live: 1, backlog: 1 });
    await queue.enqueue(payload(10), 6_000);
    pub.notify();
    await until('the fresh batch', () => fake.arrivals.length === 3);
    expect(pub.counters.batchesSent).toEqual({ live: 2, backlog: 1 });
    expect(seqs(fake)).toEqual([0, 0, 1]);
  });

  it('counts an ack for a batch dropped while in flight as delivered, once', async () => {
    const dropped = droppedSeqs();
    const queue = memoryQueue({ limits: { maxBytes: 250 }, onDrop: dropped.record });
    const pub = start(queue, {}, { dropped });
    await until('connected', () => pub.isConnected());
    await queue.enqueue(payload(100), 0);
    await queue.enqueue(payload(100), 1);
    pub.notify();
    await until('both batches in flight', () => fake.arrivals.length === 2);
    // The cap drops batch 0 while it is in flight; then the aggregator stores it after all.
    await queue.enqueue(payload(100), 2);
    expect(queue.stats().droppedBatches.bytes).toBe(1);
    await fake.ack(0);
    await fake.ack(0, 'duplicate');
    await fake.ack(1);
    await until('the acks', () => pub.counters.batchesAcked + pub.counters.batchesDuplicate === 3);
    expect(pub.counters.droppedDelivered).toBe(1);
    expect(queue.oldest(10).map((b) => b.seq)).toEqual([2]);
  });
});
