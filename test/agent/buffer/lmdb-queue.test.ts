import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openLmdbQueue, peekLmdbSeq, SEQ_RESERVATION } from '../../../agent/buffer/lmdb-queue.ts';
import { QueueError } from '../../../agent/buffer/queue-error.ts';
import type { DropEvent } from '../../../agent/buffer/queue.ts';
import { tempDir as makeTempDir } from '../../helpers/tmp.ts';
import { queueContract } from './queue-contract.ts';

const removers: (() => void)[] = [];
const tempDir = () => {
  const dir = makeTempDir('queue');
  removers.push(dir.remove);
  return dir.path;
};
afterEach(() => {
  for (const remove of removers.splice(0)) remove();
});

const seqs = (q: { oldest(limit: number): { seq: number }[] }) => q.oldest(100).map((b) => b.seq);

queueContract('LMDB queue', (opts) => openLmdbQueue(tempDir(), opts));

describe('LMDB queue across restarts', () => {
  it('keeps unacked batches and continues the sequence after reopening', async () => {
    const dir = tempDir();
    const first = await openLmdbQueue(dir);
    for (let i = 0; i < 4; i++) await first.enqueue((seq) => new Uint8Array([seq, 7]), 100 + i, i);
    await first.remove(0);
    await first.remove(1);
    await first.close();

    const second = await openLmdbQueue(dir);
    expect(second.stats()).toMatchObject({ batches: 2, bytes: 4, created: 4, oldestQueuedAt: 102 });
    expect(second.oldest(10).map((b) => [b.seq, [...b.payload], b.queuedAt, b.samples])).toEqual([
      [2, [2, 7], 102, 2],
      [3, [3, 7], 103, 3],
    ]);
    // The counter, not the surviving keys, decides: seqs 0-3 were all seen by the aggregator once.
    await second.remove(2);
    await second.remove(3);
    await second.close();
    const third = await openLmdbQueue(dir);
    expect((await third.enqueue(() => new Uint8Array([1]), 0)).seq).toBe(4);
    await third.close();
  });

  it('keeps its bounds across a reopen: drops are committed, the oldest go first', async () => {
    const dir = tempDir();
    const limits = { maxBytes: 12, maxAgeMs: 10_000 };
    const first = await openLmdbQueue(dir, { limits });
    for (let i = 0; i < 5; i++) await first.enqueue(() => new Uint8Array(4).fill(i), 1000 + i, 3);
    expect(seqs(first)).toEqual([2, 3, 4]);
    await first.close();

    const events: DropEvent[] = [];
    const second = await openLmdbQueue(dir, { limits, onDrop: (e) => events.push(e) });
    expect(seqs(second)).toEqual([2, 3, 4]);
    expect(second.stats()).toMatchObject({ batches: 3, bytes: 12, oldestQueuedAt: 1002 });
    await second.enqueue(() => new Uint8Array(4), 2000, 3);
    expect(seqs(second)).toEqual([3, 4, 5]);
    // Ages come from the stored queue times: at 11_004 the batch of 1003 is more than 10 s old, 1004 is not.
    await second.expire(11_004);
    expect(seqs(second)).toEqual([4, 5]);
    expect(events.map((e) => [e.reason, e.firstSeq, e.lastSeq])).toEqual([
      ['bytes', 2, 2],
      ['age', 3, 3],
    ]);
    expect(second.stats()).toMatchObject({ droppedBatches: { bytes: 1, age: 1 }, droppedSamples: { bytes: 3, age: 3 } });
    await second.close();

    // A smaller bound applies from the first expiry after the restart, and the newest batch still stays.
    const third = await openLmdbQueue(dir, { limits: { maxBytes: 4, maxAgeMs: 10_000 } });
    expect(seqs(third)).toEqual([4, 5]);
    await third.expire(11_005);
    expect(seqs(third)).toEqual([5]);
    await third.close();
    const fourth = await openLmdbQueue(dir);
    expect(fourth.stats()).toMatchObject({ batches: 1, bytes: 4, created: 6 });
    await fourth.close();
  });

  it('never reuses numbers handed out for a stand-in queue, after a clean close or a kill -9', async () => {
    const clean = tempDir();
    const q = await openLmdbQueue(clean);
    await q.enqueue(() => new Uint8Array([1]), 0);
    const taken = [q.takeSeq(), q.takeSeq()];
    expect(taken).toEqual([1, 2]);
    await q.close();
    const reopened = await openLmdbQueue(clean);
    expect((await reopened.enqueue(() => new Uint8Array([1]), 0)).seq).toBe(3);
    await reopened.close();

    // The child numbers 3 batches and hands out 5 numbers, then dies without closing.
    const killed = tempDir();
    const module = fileURLToPath(new URL('../../../agent/buffer/lmdb-queue.ts', import.meta.url));
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import { openLmdbQueue } from ${JSON.stringify(module)};
         const q = await openLmdbQueue(${JSON.stringify(killed)});
         for (let i = 0; i < 3; i++) await q.enqueue(() => new Uint8Array([i]), i);
         for (let i = 0; i < 5; i++) q.takeSeq();
         process.kill(process.pid, 'SIGKILL');`,
      ],
      { cwd: fileURLToPath(new URL('../../..', import.meta.url)), encoding: 'utf8', timeout: 30_000 },
    );
    expect(child.signal, child.stderr).toBe('SIGKILL');
    // Up to 7 was handed out; numbering resumes past the whole reserve instead.
    expect(await peekLmdbSeq(killed)).toBe(3 + SEQ_RESERVATION);
    const after = await openLmdbQueue(killed);
    expect(seqs(after)).toEqual([0, 1, 2]);
    expect((await after.enqueue(() => new Uint8Array([1]), 0)).seq).toBe(3 + SEQ_RESERVATION);
    await after.close();
  });

  it('takes over batches numbered elsewhere with their numbers, and numbers on above them', async () => {
    const dir = tempDir();
    const q = await openLmdbQueue(dir, { limits: { maxBytes: 8 } });
    await q.enqueue(() => new Uint8Array(4), 10);
    const outside = [7, 8, 9].map((seq) => ({ seq, payload: new Uint8Array([seq, seq]), queuedAt: 20 + seq, samples: 1 }));
    await q.adopt(outside, 50, 40);
    // 4 + 3 × 2 bytes is over 8: the oldest, the disk's own batch, goes.
    expect(q.oldest(10).map((b) => [b.seq, [...b.payload], b.queuedAt])).toEqual([
      [7, [7, 7], 27],
      [8, [8, 8], 28],
      [9, [9, 9], 29],
    ]);
    await expect(q.adopt([{ seq: 9, payload: new Uint8Array(1), queuedAt: 0, samples: 0 }], 0, 41)).rejects.toThrow(/not above/);
    await q.close();
    const reopened = await openLmdbQueue(dir);
    expect(seqs(reopened)).toEqual([7, 8, 9]);
    expect((await reopened.enqueue(() => new Uint8Array(1), 60)).seq).toBe(50);
    await reopened.close();
  });
});

describe('LMDB queue failures', () => {
  it('cannot open under a file: a QueueError naming the directory and the fix', async () => {
    const file = join(tempDir(), 'not-a-dir');
    writeFileSync(file, '');
    const dir = join(file, 'queue');
    const err = await openLmdbQueue(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueueError);
    expect(err).toMatchObject({ kind: 'not-a-directory', dir });
    expect((err as Error).message).toContain(`queue in ${dir}`);
    expect((err as Error).message).toContain('set data_dir');
  });

  it('peeks at the numbering of a queue without writing, and knows when there is none', async () => {
    const dir = tempDir();
    expect(await peekLmdbSeq(dir)).toBeUndefined();
    const q = await openLmdbQueue(dir);
    await q.enqueue(() => new Uint8Array(1), 0);
    await q.close();
    expect(await peekLmdbSeq(dir)).toBe(1);
  });
});
