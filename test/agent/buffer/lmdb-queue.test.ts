import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLmdbQueue } from '../../../agent/buffer/lmdb-queue.ts';
import { queueContract } from './queue-contract.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-queue-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

queueContract('LMDB queue', () => openLmdbQueue(tempDir()));

describe('LMDB queue across restarts', () => {
  it('keeps unacked batches and continues the sequence after reopening', async () => {
    const dir = tempDir();
    const first = await openLmdbQueue(dir);
    for (let i = 0; i < 4; i++) await first.enqueue((seq) => new Uint8Array([seq, 7]), 100 + i);
    await first.remove(0);
    await first.remove(1);
    await first.close();

    const second = await openLmdbQueue(dir);
    expect(second.stats()).toEqual({ batches: 2, bytes: 4, created: 4 });
    expect(second.oldest(10).map((b) => [b.seq, [...b.payload], b.queuedAt])).toEqual([
      [2, [2, 7], 102],
      [3, [3, 7], 103],
    ]);
    // The counter, not the surviving keys, decides: seqs 0-3 were all seen by the aggregator once.
    await second.remove(2);
    await second.remove(3);
    await second.close();
    const third = await openLmdbQueue(dir);
    expect((await third.enqueue(() => new Uint8Array([1]), 0)).seq).toBe(4);
    await third.close();
  });
});
