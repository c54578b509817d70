import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alertHook, runHook, type HookPayload } from '../../agent/rules/hook.ts';
import type { Logger } from '../../protocol/log.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('hook');
afterAll(() => dir.remove());

/** A hook program: appends what it reads on stdin, one line per run, to a file; exits with its first argument. */
const script = join(dir.path, 'hook.mjs');
writeFileSync(
  script,
  `import { appendFileSync } from 'node:fs';
let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  appendFileSync(process.argv[2], input);
  if (process.argv[3] === 'sleep') setTimeout(() => {}, 60_000);
  else process.exit(Number(process.argv[3] ?? 0));
});
`,
);

const lines: string[] = [];
const log: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };

const payload = (status: HookPayload['status'], name = 'FreezerWarm'): HookPayload => ({
  status,
  labels: { alertname: name, agent: 'edge-1', freezer: 'f1' },
  annotations: { summary: 'Freezer f1 at -9 °C' },
  startsAt: '2024-01-02T03:04:05.000Z',
  endsAt: '2024-01-02T03:08:05.000Z',
  generatorURL: '/graph?g0.expr=x&g0.tab=1',
  value: -9,
});

describe('running the alert hook', () => {
  it('gives the program the input on stdin, with no shell in between', async () => {
    const out = join(dir.path, 'plain.out');
    const outcome = await runHook([process.execPath, script, out, '0'], 'hello $HOME `id`\n', 10_000);
    expect(outcome).toEqual({ code: 0, signal: null, timedOut: false, stderr: '' });
    expect(readFileSync(out, 'utf8')).toBe('hello $HOME `id`\n');
  });

  it('kills a program that outlives the timeout', async () => {
    const started = Date.now();
    const outcome = await runHook([process.execPath, script, join(dir.path, 'slow.out'), 'sleep'], '{}', 300);
    expect(outcome.timedOut).toBe(true);
    expect(outcome.signal).toBe('SIGTERM');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reports a program that cannot start or fails', async () => {
    expect((await runHook([join(dir.path, 'no-such-program')], '', 1000)).stderr).toContain('ENOENT');
    expect((await runHook([process.execPath, script, join(dir.path, 'fail.out'), '3'], '', 10_000)).code).toBe(3);
  });
});

describe('the alert hook', () => {
  it('runs once when an alert starts firing and once when it resolves, with the alert as JSON', async () => {
    const out = join(dir.path, 'alerts.out');
    const hook = alertHook({ command: [process.execPath, script, out, '0'], timeoutMs: 10_000 }, log);
    hook.notify([payload('firing')], 0);
    hook.notify([payload('firing')], 60_000); // a resend: Alertmanager hears it again, the hook does not
    hook.notify([payload('resolved'), payload('firing', 'DoorOpen')], 120_000);
    await hook.idle();
    const runs = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as HookPayload);
    expect(runs.map((r) => [r.labels.alertname, r.status])).toEqual([
      ['FreezerWarm', 'firing'],
      ['FreezerWarm', 'resolved'],
      ['DoorOpen', 'firing'],
    ]);
    expect(runs[0]).toEqual(payload('firing'));
  });

  it('logs a failing or hanging hook and carries on with the next alert', async () => {
    const out = join(dir.path, 'failing.out');
    const hook = alertHook({ command: [process.execPath, script, out, '7'], timeoutMs: 10_000 }, log);
    hook.notify([payload('firing', 'A'), payload('firing', 'B')], 0);
    await hook.idle();
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(2);
    expect(lines.filter((l) => l.includes('failed (7)'))).toHaveLength(2);
  });
});
