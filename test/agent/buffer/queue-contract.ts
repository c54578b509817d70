import { describe, expect, it } from 'vitest';
import type { BatchQueue, DropEvent, QueueLimits } from '../../../agent/buffer/queue.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

export interface ContractOptions {
  readonly limits?: Partial<QueueLimits>;
  readonly onDrop?: (e: DropEvent) => void;
}

/** The behaviour every BatchQueue implementation must show; each implementation's test file runs it. */
export function queueContract(name: string, open: (opts?: ContractOptions) => Promise<BatchQueue>) {
  describe(`${name} (BatchQueue contract)`, () => {
    it('numbers batches from 0 upwards and hands the number to the payload builder', async () => {
      const q = await open();
      const a = await q.enqueue((seq) => bytes(`batch ${seq}`), 1000);
      const b = await q.enqueue((seq) => bytes(`batch ${seq}`), 2000, 17);
      expect([a.seq, b.seq]).toEqual([0, 1]);
      expect(new TextDecoder().decode(b.payload)).toBe('batch 1');
      expect(b.queuedAt).toBe(2000);
      expect(q.oldest(2).map((x) => x.samples)).toEqual([0, 17]);
      await q.close();
    });

    it('returns the oldest first, honours the limit and skips excluded seqs', async () => {
      const q = await open();
      for (let i = 0; i < 5; i++) await q.enqueue(() => bytes('x'.repeat(i + 1)), 100 + i);
      expect(q.oldest(3).map((b) => b.seq)).toEqual([0, 1, 2]);
      expect(q.oldest(3, new Set([0, 2])).map((b) => b.seq)).toEqual([1, 3, 4]);
      expect(q.stats()).toMatchObject({ batches: 5, bytes: 15, created: 5, oldestQueuedAt: 100 });
      await q.close();
    });

    it('lists the batches queued since a number was next, oldest first, honouring the limit and exclusions', async () => {
      const q = await open();
      for (let i = 0; i < 3; i++) await q.enqueue(() => bytes(`old ${i}`), 100 + i);
      const mark = q.stats().created;
      expect(q.since(mark, 10)).toEqual([]);
      for (let i = 0; i < 3; i++) await q.enqueue(() => bytes(`new ${i}`), 200 + i);
      expect(q.since(mark, 10).map((b) => new TextDecoder().decode(b.payload))).toEqual(['new 0', 'new 1', 'new 2']);
      expect(q.since(mark, 2).map((b) => b.seq)).toEqual([mark, mark + 1]);
      expect(q.since(mark, 10, new Set([mark + 1])).map((b) => b.seq)).toEqual([mark, mark + 2]);
      await q.remove(mark);
      expect(q.since(mark, 10).map((b) => b.seq)).toEqual([mark + 1, mark + 2]);
      // From below the oldest queued batch it lists what oldest() lists.
      await q.remove(0);
      expect(q.since(0, 10)).toEqual(q.oldest(10));
      expect(q.since(0, 0)).toEqual([]);
      await q.close();
    });

    it('removes acked batches once, tolerating repeated and unknown acks', async () => {
      const q = await open();
      for (let i = 0; i < 3; i++) await q.enqueue(() => bytes('abcd'), 10 * i);
      await Promise.all([q.remove(1), q.remove(1)]);
      await q.remove(42);
      expect(q.oldest(10).map((b) => b.seq)).toEqual([0, 2]);
      expect(q.stats()).toMatchObject({ batches: 2, bytes: 8, created: 3 });
      await q.remove(0);
      await q.remove(2);
      expect(q.stats()).toMatchObject({ batches: 0, bytes: 0, oldestQueuedAt: undefined });
      await q.close();
    });

    it('never reuses a sequence number, even after its batch was removed', async () => {
      const q = await open();
      const a = await q.enqueue(() => bytes('a'), 0);
      await q.remove(a.seq);
      const b = await q.enqueue(() => bytes('b'), 1);
      expect(b.seq).toBe(a.seq + 1);
      await q.close();
    });
  });

  describe(`${name} (BatchQueue contract: bounds)`, () => {
    const opened = async (limits: Partial<QueueLimits>) => {
      const events: DropEvent[] = [];
      const q = await open({ limits, onDrop: (e) => events.push(e) });
      return { q, events };
    };

    it('drops the oldest batches past the byte bound and counts exactly those', async () => {
      const { q, events } = await opened({ maxBytes: 10 });
      // 4 bytes each: two fit, a third needs the oldest gone.
      for (let i = 0; i < 6; i++) {
        await q.enqueue(() => bytes('abcd'), 1000 + i, 10 + i);
        expect(q.stats().bytes).toBeLessThanOrEqual(10);
      }
      expect(q.oldest(10).map((b) => b.seq)).toEqual([4, 5]);
      const dropped = [0, 1, 2, 3];
      expect(q.stats().droppedBatches).toEqual({ bytes: dropped.length, age: 0 });
      expect(q.stats().droppedSamples).toEqual({ bytes: dropped.reduce((n, s) => n + 10 + s, 0), age: 0 });
      expect(events.map((e) => [e.reason, e.firstSeq, e.lastSeq, e.batches, e.limit])).toEqual(dropped.map((s) => ['bytes', s, s, 1, 10]));
      await q.close();
    });

    it('makes room for a big batch by dropping as many old ones as needed, in one event', async () => {
      const { q, events } = await opened({ maxBytes: 12 });
      for (let i = 0; i < 4; i++) await q.enqueue(() => bytes('abc'), 100 + i, 1);
      await q.enqueue(() => bytes('0123456789'), 200, 5);
      expect(q.oldest(10).map((b) => b.seq)).toEqual([4]);
      expect(events).toEqual([
        { reason: 'bytes', batches: 4, samples: 4, bytes: 12, firstSeq: 0, lastSeq: 3, seqs: [0, 1, 2, 3], from: 100, to: 103, at: 200, limit: 12 },
      ]);
      await q.close();
    });

    it('names exactly the seqs it dropped, leaving out those acked before', async () => {
      const { q, events } = await opened({ maxBytes: 12 });
      for (let i = 0; i < 4; i++) await q.enqueue(() => bytes('abc'), 100 + i, 1);
      await q.remove(1);
      await q.enqueue(() => bytes('0123456789'), 200, 5);
      expect(q.oldest(10).map((b) => b.seq)).toEqual([4]);
      expect(events.map((e) => [e.firstSeq, e.lastSeq, e.batches, e.seqs])).toEqual([[0, 3, 3, [0, 2, 3]]]);
      await q.close();
    });

    it('never drops the newest batch, even one bigger than the bound', async () => {
      const { q } = await opened({ maxBytes: 5, maxAgeMs: 1000 });
      await q.enqueue(() => bytes('too big for it'), 0);
      expect(q.oldest(10).map((b) => b.seq)).toEqual([0]);
      await q.expire(1_000_000);
      expect(q.oldest(10).map((b) => b.seq)).toEqual([0]);
      await q.enqueue(() => bytes('also too big'), 1_000_001);
      expect(q.oldest(10).map((b) => b.seq)).toEqual([1]);
      expect(q.stats().droppedBatches).toEqual({ bytes: 0, age: 1 });
      await q.close();
    });

    it('expires batches older than the age bound on enqueue and on expire', async () => {
      const { q, events } = await opened({ maxAgeMs: 1000 });
      for (const t of [0, 500, 1000]) await q.enqueue(() => bytes('x'), t, 2);
      // At 1600 the batches of 0 and 500 are more than 1000 ms old; the one of 1000 is not.
      await q.enqueue(() => bytes('x'), 1600, 2);
      expect(q.oldest(10).map((b) => b.seq)).toEqual([2, 3]);
      expect(events.map((e) => [e.reason, e.firstSeq, e.lastSeq, e.at])).toEqual([['age', 0, 1, 1600]]);
      await q.expire(2000);
      expect(q.oldest(10).map((b) => b.seq)).toEqual([2, 3]);
      await q.expire(2001);
      expect(q.oldest(10).map((b) => b.seq)).toEqual([3]);
      expect(q.stats()).toMatchObject({ droppedBatches: { bytes: 0, age: 3 }, droppedSamples: { bytes: 0, age: 6 }, oldestQueuedAt: 1600 });
      await q.close();
    });

    it('does not count a dropped batch again when its ack arrives late', async () => {
      const { q } = await opened({ maxBytes: 4 });
      await q.enqueue(() => bytes('abcd'), 0);
      await q.enqueue(() => bytes('efgh'), 1);
      await q.remove(0);
      expect(q.stats()).toMatchObject({ batches: 1, bytes: 4, droppedBatches: { bytes: 1, age: 0 } });
      await q.close();
    });
  });
}
