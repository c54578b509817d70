import { afterEach, describe, expect, it } from 'vitest';
import { openFallbackQueue, type FallbackQueueOptions } from '../../../agent/buffer/fallback-queue.ts';
import { openLmdbQueue } from '../../../agent/buffer/lmdb-queue.ts';
import { QueueError } from '../../../agent/buffer/queue-error.ts';
import type { BatchQueue, DropEvent, DurableQueue } from '../../../agent/buffer/queue.ts';
import type { Logger } from '../../../protocol/log.ts';
import { tempDir as makeTempDir } from '../../helpers/tmp.ts';
import { queueContract } from './queue-contract.ts';

const removers: (() => void)[] = [];
const tempDir = () => {
  const dir = makeTempDir('fallback');
  removers.push(dir.remove);
  return dir.path;
};
afterEach(() => {
  for (const remove of removers.splice(0)) remove();
});

const text = (s: string) => () => new TextEncoder().encode(s);
const decoded = (q: BatchQueue) => q.oldest(100).map((b) => [b.seq, new TextDecoder().decode(b.payload)]);
const MiB = 1024 * 1024;

function captureLog() {
  const lines = { info: [] as string[], warn: [] as string[], error: [] as string[] };
  const log: Logger = { info: (m) => lines.info.push(m), warn: (m) => lines.warn.push(m), error: (m) => lines.error.push(m) };
  return { log, lines };
}

/**
 * A real LMDB queue whose writes can be made to fail the way a full disk fails them. Running as root, chmod
 * cannot make a directory unwritable, and lmdb grows its map instead of failing, so the failure is injected here.
 */
function breakable(inner: DurableQueue, dir: string) {
  const state: { broken: QueueError | undefined; gate: Promise<void> | undefined; reservedSeq?: number } = { broken: undefined, gate: undefined };
  const check = () => {
    if (state.broken) throw state.broken;
  };
  const disk: DurableQueue = {
    ...inner,
    enqueue: async (build, now, samples) => {
      check();
      return inner.enqueue(build, now, samples);
    },
    expire: async (now) => {
      check();
      return inner.expire(now);
    },
    adopt: async (batches, floor, now) => {
      await state.gate;
      check();
      return inner.adopt(batches, floor, now);
    },
    reservedSeq: () => state.reservedSeq ?? inner.reservedSeq(),
  };
  const full = new QueueError('no-space', dir, `cannot write the agent's queue in ${dir}: no space left on the device`);
  return { disk, inner, state, break: () => (state.broken = full), repair: () => (state.broken = undefined) };
}

async function setUp(overrides: Partial<FallbackQueueOptions> = {}, now = 0) {
  const dir = tempDir();
  const flaky = breakable(await openLmdbQueue(dir), dir);
  const { log, lines } = captureLog();
  const drops: DropEvent[] = [];
  const q = await openFallbackQueue(
    {
      openDisk: async () => flaky.disk,
      peekSeq: async () => undefined,
      memoryLimits: { maxBytes: MiB, maxAgeMs: Infinity },
      retryMs: 1000,
      log,
      onDrop: (e) => drops.push(e),
      ...overrides,
    },
    now,
  );
  return { dir, flaky, q, lines, drops };
}

// With the disk working it is the disk queue, bounds and drop events included.
queueContract('fallback queue', (opts) =>
  openFallbackQueue(
    {
      openDisk: () => openLmdbQueue(tempDir(), opts),
      peekSeq: async () => undefined,
      memoryLimits: { maxBytes: MiB, maxAgeMs: Infinity, ...opts?.limits },
      retryMs: 1000,
      log: captureLog().log,
      ...(opts?.onDrop ? { onDrop: opts.onDrop } : {}),
    },
    0,
  ),
);

describe('fallback queue', () => {
  it('lists the batches since a number across disk and memory, disk first', async () => {
    const { flaky, q } = await setUp();
    await q.enqueue(text('a'), 0);
    const mark = q.stats().created;
    await q.enqueue(text('b'), 1);
    flaky.break();
    await q.enqueue(text('c'), 2);
    await q.enqueue(text('d'), 3);
    expect(q.since(mark, 10).map((b) => b.seq)).toEqual([1, 2, 3]);
    expect(q.since(mark, 2).map((b) => b.seq)).toEqual([1, 2]);
    expect(q.since(mark, 10, new Set([2])).map((b) => b.seq)).toEqual([1, 3]);
    expect(q.since(3, 10).map((b) => b.seq)).toEqual([3]);
    flaky.repair();
    await q.close();
  });

  it('buffers in memory while the disk fails, says so once, and moves the batches back in order', async () => {
    const { dir, flaky, q, lines } = await setUp();
    await q.enqueue(text('a'), 0);
    flaky.break();
    await q.enqueue(text('b'), 10);
    await q.enqueue(text('c'), 20);
    expect(lines.error).toHaveLength(1);
    expect(lines.error[0]).toContain(`queue in ${dir}: no space left`);
    expect(lines.error[0]).toContain('Buffering in memory meanwhile (bounded to 1MB');
    expect(q.stats()).toMatchObject({ batches: 3, durable: false, oldestQueuedAt: 0 });
    expect(decoded(q)).toEqual([[0, 'a'], [1, 'b'], [2, 'c']]);

    // Repaired, but the next try is due only 1 s after the failure (at 1010).
    flaky.repair();
    await q.enqueue(text('d'), 500);
    expect(decoded(flaky.inner)).toEqual([[0, 'a']]);
    expect(q.stats().durable).toBe(false);

    await q.enqueue(text('e'), 1010);
    expect(decoded(flaky.inner)).toEqual([[0, 'a'], [1, 'b'], [2, 'c'], [3, 'd'], [4, 'e']]);
    expect(q.stats()).toMatchObject({ batches: 5, durable: true });
    expect(lines.info).toEqual(["the agent's queue is writable again; moved 3 batches (seq 1–3) from memory to disk"]);
    expect(lines.error).toHaveLength(1);
    await q.close();

    const reopened = await openLmdbQueue(dir);
    expect(decoded(reopened).map(([seq]) => seq)).toEqual([0, 1, 2, 3, 4]);
    expect((await reopened.enqueue(text('f'), 2000)).seq).toBe(5);
    await reopened.close();
  });

  it('keeps buffering without logging again when a retry fails', async () => {
    const { flaky, q, lines } = await setUp();
    flaky.break();
    await q.enqueue(text('a'), 0);
    await q.enqueue(text('b'), 1000);
    await q.enqueue(text('c'), 1500);
    expect(decoded(flaky.inner)).toEqual([]);
    expect(lines.error).toHaveLength(1);
    flaky.repair();
    // The failed retry at 1000 put the next one at 2000.
    await q.enqueue(text('d'), 1999);
    expect(q.stats().durable).toBe(false);
    await q.expire(2000);
    expect(decoded(flaky.inner)).toEqual([[0, 'a'], [1, 'b'], [2, 'c'], [3, 'd']]);
    await q.close();
  });

  it('does not keep a moved copy of a batch acked while the move ran', async () => {
    const { flaky, q } = await setUp();
    flaky.break();
    await q.enqueue(text('a'), 0);
    await q.enqueue(text('b'), 1);
    flaky.repair();
    let open!: () => void;
    flaky.state.gate = new Promise((resolve) => (open = resolve));
    const moving = q.enqueue(text('c'), 2000);
    await new Promise((resolve) => setImmediate(resolve));
    await q.remove(0);
    open();
    await moving;
    expect(decoded(flaky.inner)).toEqual([[1, 'b'], [2, 'c']]);
    expect(q.stats().batches).toBe(2);
    await q.close();
  });

  it('bounds the memory stand-in, dropping its oldest batches with a count', async () => {
    const { flaky, q, drops } = await setUp({ memoryLimits: { maxBytes: 8, maxAgeMs: Infinity } });
    flaky.break();
    for (let i = 0; i < 4; i++) await q.enqueue(text('abcd'), i, 5);
    expect(q.oldest(10).map((b) => b.seq)).toEqual([2, 3]);
    expect(q.stats()).toMatchObject({ bytes: 8, droppedBatches: { bytes: 2, age: 0 }, droppedSamples: { bytes: 10, age: 0 } });
    expect(drops.map((e) => [e.firstSeq, e.limit])).toEqual([
      [0, 8],
      [1, 8],
    ]);
    await q.close();
  });

  it('numbers past the disk reserve from the clock, so a restart cannot reuse the numbers', async () => {
    const t = 1_700_000_000_000;
    const { flaky, q } = await setUp({}, t);
    await q.enqueue(text('a'), t);
    flaky.state.reservedSeq = 2;
    flaky.break();
    const inMemory = [await q.enqueue(text('b'), t), await q.enqueue(text('c'), t + 1), await q.enqueue(text('d'), t + 2)];
    expect(inMemory.map((b) => b.seq)).toEqual([1, t / 1000, t / 1000 + 1]);
    flaky.repair();
    expect((await q.enqueue(text('e'), t + 1000)).seq).toBe(t / 1000 + 2);
    expect(decoded(flaky.inner).map(([seq]) => seq)).toEqual([0, 1, t / 1000, t / 1000 + 1, t / 1000 + 2]);
    await q.close();
  });

  it('starts in memory when the disk cannot be opened, numbering above the files and the clock', async () => {
    const dir = tempDir();
    const { log, lines } = captureLog();
    let attempts = 0;
    const options = (peeked: number): FallbackQueueOptions => ({
      openDisk: async () => {
        if (attempts++ % 2 === 0) throw new QueueError('read-only', dir, `cannot write the agent's queue in ${dir}: read-only`);
        return openLmdbQueue(dir);
      },
      peekSeq: async () => peeked,
      memoryLimits: { maxBytes: MiB, maxAgeMs: Infinity },
      retryMs: 1000,
      log,
    });

    // The clock (5 s → 5) is below what the files say: numbering starts at 7.
    const early = await openFallbackQueue(options(7), 5000);
    expect((await early.enqueue(text('a'), 5000)).seq).toBe(7);
    expect(early.stats()).toMatchObject({ durable: false, created: 8 });
    expect(lines.error[0]).toContain('read-only');
    await early.enqueue(text('b'), 6000);
    expect(early.stats().durable).toBe(true);
    await early.close();

    const t = 1_700_000_000_000;
    const late = await openFallbackQueue(options(9), t);
    expect((await late.enqueue(text('c'), t)).seq).toBe(t / 1000);
    expect((await late.enqueue(text('d'), t + 1)).seq).toBe(t / 1000 + 1);
    expect((await late.enqueue(text('e'), t + 1000)).seq).toBe(t / 1000 + 2);
    await late.close();

    const reopened = await openLmdbQueue(dir);
    expect(decoded(reopened)).toEqual([[7, 'a'], [8, 'b'], [t / 1000, 'c'], [t / 1000 + 1, 'd'], [t / 1000 + 2, 'e']]);
    expect((await reopened.enqueue(text('f'), t + 2000)).seq).toBe(t / 1000 + 3);
    await reopened.close();
  });

  it('refuses to start when the numbering on disk cannot even be read', async () => {
    const dir = tempDir();
    const denied = new QueueError('permission', dir, 'permission denied');
    const opening = openFallbackQueue(
      {
        openDisk: async () => Promise.reject(denied),
        peekSeq: async () => Promise.reject(denied),
        memoryLimits: { maxBytes: MiB, maxAgeMs: Infinity },
        retryMs: 1000,
        log: captureLog().log,
      },
      0,
    );
    await expect(opening).rejects.toBe(denied);
  });

  it('lets a bug surface instead of taking it for a disk failure', async () => {
    const { flaky, q } = await setUp();
    flaky.state.broken = new Error('bug') as QueueError;
    await expect(q.enqueue(text('a'), 0)).rejects.toThrow('bug');
    expect(q.stats()).toMatchObject({ batches: 0, durable: true });
    flaky.repair();
    await q.close();
  });

  it('tries the disk once more on close, so batches are not lost to a disk that came back', async () => {
    const { dir, flaky, q, lines } = await setUp();
    flaky.break();
    await q.enqueue(text('a'), 0);
    flaky.repair();
    await q.close();
    expect(lines.error).toHaveLength(1);
    const reopened = await openLmdbQueue(dir);
    expect(decoded(reopened)).toEqual([[0, 'a']]);
    await reopened.close();
  });

  it('says how many batches are lost when it stops with the disk still failing', async () => {
    const { flaky, q, lines } = await setUp();
    flaky.break();
    await q.enqueue(text('a'), 0);
    await q.enqueue(text('b'), 1);
    await q.close();
    expect(lines.error[1]).toBe('the agent stops with 2 batches only in memory: they are lost');
  });
});
