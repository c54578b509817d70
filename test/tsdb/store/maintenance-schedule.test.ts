import { describe, expect, it } from 'vitest';
import { scheduleMaintenance } from '../../../aggregator/store/maintenance-schedule.ts';
import type { Logger } from '../../../protocol/log.ts';

const EVERY_SECOND = '* * * * * *';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('scheduleMaintenance', () => {
  it('runs the job on its cron schedule, logging a failed run and trying again at the next', async () => {
    const lines: string[] = [];
    const log: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
    let calls = 0;
    const job = scheduleMaintenance(async () => {
      calls++;
      throw new Error('disk on fire');
    }, log, EVERY_SECOND);
    await sleep(2_300);
    await job.stop();
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toBe('storage maintenance failed, retried at the next run: disk on fire');
    const after = calls;
    await sleep(1_200);
    expect(calls).toBe(after);
  });

  it('skips a run while the previous one is still busy, and waits for it on stop', async () => {
    let calls = 0;
    let release = () => {};
    let finished = false;
    const job = scheduleMaintenance(
      () => {
        calls++;
        return new Promise<void>((resolve) => (release = resolve)).then(() => void (finished = true));
      },
      { info: () => {}, warn: () => {}, error: () => {} },
      EVERY_SECOND,
    );
    await sleep(2_300);
    expect(calls).toBe(1);
    const stopped = job.stop();
    release();
    await stopped;
    expect(finished).toBe(true);
  });
});
