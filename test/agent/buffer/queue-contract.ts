import { describe, expect, it } from 'vitest';
import type { BatchQueue } from '../../../agent/buffer/queue.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

/** The behaviour every BatchQueue implementation must show; each implementation's test file runs it. */
export function queueContract(name: string, open: () => Promise<BatchQueue>) {
  describe(`${name} (BatchQueue contract)`, () => {
    it('numbers batches from 0 upwards and hands the number to the payload builder', async () => {
      const q = await open();
      const a = await q.enqueue((seq) => bytes(`batch ${seq}`), 1000);
      const b = await q.enqueue((seq) => bytes(`batch ${seq}`), 2000);
      expect([a.seq, b.seq]).toEqual([0, 1]);
      expect(new TextDecoder().decode(b.payload)).toBe('batch 1');
      expect(b.queuedAt).toBe(2000);
      await q.close();
    });

    it('returns the oldest first, honours the limit and skips excluded seqs', async () => {
      const q = await open();
      for (let i = 0; i < 5; i++) await q.enqueue(() => bytes('x'.repeat(i + 1)), i);
      expect(q.oldest(3).map((b) => b.seq)).toEqual([0, 1, 2]);
      expect(q.oldest(3, new Set([0, 2])).map((b) => b.seq)).toEqual([1, 3, 4]);
      expect(q.stats()).toEqual({ batches: 5, bytes: 15, created: 5 });
      await q.close();
    });

    it('removes acked batches once, tolerating repeated and unknown acks', async () => {
      const q = await open();
      for (let i = 0; i < 3; i++) await q.enqueue(() => bytes('abcd'), i);
      await Promise.all([q.remove(1), q.remove(1)]);
      await q.remove(42);
      expect(q.oldest(10).map((b) => b.seq)).toEqual([0, 2]);
      expect(q.stats()).toEqual({ batches: 2, bytes: 8, created: 3 });
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
}
