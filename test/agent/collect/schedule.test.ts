import { describe, expect, it } from 'vitest';
import { isValidCron, schedule, stableOffset } from '../../../agent/collect/schedule.ts';

describe('schedules', () => {
  it('runs interval tasks at t ≡ offset (mod interval)', async () => {
    const times: number[] = [];
    const s = schedule({ kind: 'interval', intervalMs: 50, offsetMs: 7 }, async (t) => void times.push(t));
    await new Promise((r) => setTimeout(r, 240));
    s.stop();
    expect(times.length).toBeGreaterThanOrEqual(3);
    for (const t of times) expect(t % 50).toBe(7);
    for (let i = 1; i < times.length; i++) expect((times[i] as number) - (times[i - 1] as number)).toBe(50);
  });

  it('never runs one slot twice when a timer fires early by the wall clock', async () => {
    // Every other reading of the clock lags 5 ms, as Date.now() can against libuv's monotonic timer clock: the
    // timer for slot k then seems to fire before slot k is due.
    let reads = 0;
    const lagging = () => Date.now() - (reads++ % 2 === 1 ? 5 : 0);
    const times: number[] = [];
    const s = schedule({ kind: 'interval', intervalMs: 20, offsetMs: 3 }, async (t) => void times.push(t), lagging);
    await new Promise((r) => setTimeout(r, 300));
    s.stop();
    expect(times.length).toBeGreaterThanOrEqual(5);
    expect(new Set(times).size).toBe(times.length);
    for (let i = 1; i < times.length; i++) expect((times[i] as number) - (times[i - 1] as number)).toBe(20);
  });

  it('skips a run while the previous one is still busy', async () => {
    let runs = 0;
    const s = schedule({ kind: 'interval', intervalMs: 20, offsetMs: 0 }, async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 100));
    });
    await new Promise((r) => setTimeout(r, 150));
    s.stop();
    expect(runs).toBeLessThanOrEqual(2);
  });

  it('runs cron tasks (seconds field allowed) and validates expressions', async () => {
    expect(isValidCron('0 * * * *')).toBe(true);
    expect(isValidCron('every hour')).toBe(false);
    let runs = 0;
    const s = schedule({ kind: 'cron', expression: '* * * * * *' }, async () => void runs++);
    await new Promise((r) => setTimeout(r, 2_200));
    s.stop();
    expect(runs).toBeGreaterThanOrEqual(1);
  });

  it('gives each key a stable offset inside the interval, spread across keys', () => {
    expect(stableOffset('job|a', 15_000)).toBe(stableOffset('job|a', 15_000));
    const offsets = new Set(Array.from({ length: 50 }, (_, i) => stableOffset(`job|target-${i}`, 15_000)));
    expect(offsets.size).toBeGreaterThan(40);
    for (const o of offsets) expect(o).toBeLessThan(15_000);
  });
});
