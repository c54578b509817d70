import { describe, expect, it } from 'vitest';
import { createDropLog } from '../../../agent/buffer/drop-log.ts';
import type { DropEvent } from '../../../agent/buffer/queue.ts';
import type { Logger } from '../../../protocol/log.ts';

const MiB = 1024 * 1024;
const MINUTE = 60_000;

function capture() {
  const lines: string[] = [];
  const log: Logger = { info: () => {}, warn: (m) => lines.push(m), error: (m) => lines.push(m) };
  return { log, lines };
}

/** One batch of 10 samples dropped at `at`, seq `seq`, queued a day earlier. */
const drop = (seq: number, at: number, over: Partial<DropEvent> = {}): DropEvent => ({
  reason: 'bytes',
  batches: 1,
  samples: 10,
  bytes: 100,
  firstSeq: seq,
  lastSeq: seq,
  seqs: [seq],
  from: at - 86_400_000,
  to: at - 86_400_000,
  at,
  limit: 256 * MiB,
  ...over,
});

describe('drop log', () => {
  it('logs the first drop of an episode at once and the rest in one line when it goes quiet', () => {
    const { log, lines } = capture();
    const drops = createDropLog(log, { quietMs: 5 * MINUTE, summaryEveryMs: 60 * MINUTE });
    const t = Date.UTC(2026, 0, 2);
    drops.record(drop(100, t, { batches: 12, samples: 120, lastSeq: 111, to: t - 86_000_000 }));
    expect(lines).toEqual([
      'queue full (256MB): dropped 12 oldest batches with 120 samples (seq 100–111, queued 2026-01-01T00:00:00.000Z – 2026-01-01T00:06:40.000Z)',
    ]);
    for (let i = 1; i <= 20; i++) drops.record(drop(111 + i, t + i * 15_000));
    drops.settle(t + 20 * 15_000 + 5 * MINUTE - 1);
    expect(lines).toHaveLength(1);
    drops.settle(t + 20 * 15_000 + 5 * MINUTE);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^queue full \(256MB\), still: dropped 20 more oldest batches with 200 samples \(seq 112–131, queued /);
    // Quiet again: nothing more to say, and the next drop opens a new episode.
    drops.settle(t + 60 * MINUTE);
    drops.record(drop(500, t + 61 * MINUTE, { limit: 64 * MiB }));
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^queue full \(64MB\): dropped 1 oldest batch with 10 samples \(seq 500, /);
  });

  it('sums up a long episode every summary interval', () => {
    const { log, lines } = capture();
    const drops = createDropLog(log, { quietMs: 5 * MINUTE, summaryEveryMs: 60 * MINUTE });
    // A batch dropped every minute for three hours: the first line, then one an hour.
    for (let i = 0; i <= 180; i++) drops.record(drop(i, i * MINUTE));
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).map((l) => /dropped (\d+) more/.exec(l)?.[1])).toEqual(['60', '60', '60']);
  });

  it('keeps episodes of the two bounds apart', () => {
    const { log, lines } = capture();
    const drops = createDropLog(log);
    drops.record(drop(1, 0, { reason: 'age', limit: 7 * 86_400_000 }));
    drops.record(drop(2, 1000));
    expect(lines[0]).toMatch(/^queue holds batches older than 1w: dropped 1 oldest batch/);
    expect(lines[1]).toMatch(/^queue full \(256MB\): dropped 1 oldest batch/);
  });
});
