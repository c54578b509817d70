import { spawn } from 'node:child_process';
import { labelsKey } from '../../protocol/labels.ts';
import type { Logger } from '../../protocol/log.ts';
import { RESOLVED_RETENTION_MS } from '../../promql/rules/alerting.ts';
import type { AlertmanagerAlert } from '../../promql/rules/notify.ts';
import type { HookConfig } from './config.ts';

/** What the hook program reads on stdin: one JSON object, Alertmanager's webhook alert plus the value. */
export interface HookPayload extends AlertmanagerAlert {
  readonly status: 'firing' | 'resolved';
  /** The alert expression's value at the last evaluation. */
  readonly value: number;
}

export interface HookOutcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly stderr: string;
}

/** Most invocations waiting their turn; past it the oldest are skipped (a program that hangs must not pile up). */
const MAX_WAITING = 100;
/** Output kept for the log line of a failed run. */
const MAX_STDERR = 2_000;

/**
 * Runs `command` (no shell: the first element is the program) with `input` on stdin. The program is killed after
 * `timeoutMs` (SIGTERM, then SIGKILL a second later). Never rejects: a failure to start is an outcome too.
 */
export function runHook(command: readonly string[], input: string, timeoutMs: number): Promise<HookOutcome> {
  return new Promise((resolve) => {
    const [program, ...args] = command as [string, ...string[]];
    const child = spawn(program, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 1_000).unref();
    }, timeoutMs);
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-MAX_STDERR)));
    child.stdin.on('error', () => {}); // a program that does not read its input is not an error
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, timedOut: false, stderr: err.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, stderr });
    });
    child.stdin.end(input);
  });
}

export interface AlertHook {
  /** Alerts due for a notification; the hook runs for those that started firing or resolved since it last ran. */
  notify(alerts: readonly HookPayload[], now: number): void;
  /** Resolves once every queued run has finished. */
  idle(): Promise<void>;
}

/**
 * The local command hook: one run per alert that starts firing and one when it resolves (the repeated sends that
 * keep Alertmanager informed are not repeated here), one run at a time, in order.
 */
export function alertHook(config: HookConfig, log: Logger): AlertHook {
  const lastStatus = new Map<string, { status: HookPayload['status']; at: number }>();
  const waiting: HookPayload[] = [];
  let running: Promise<void> | undefined;

  async function drain() {
    for (let next = waiting.shift(); next; next = waiting.shift()) {
      const name = next.labels.alertname ?? 'alert';
      const outcome = await runHook(config.command, `${JSON.stringify(next)}\n`, config.timeoutMs);
      if (outcome.timedOut) log.warn(`alert hook ${config.command[0]} for ${name} (${next.status}) killed after ${config.timeoutMs / 1000} s`);
      else if (outcome.code !== 0) {
        log.warn(`alert hook ${config.command[0]} for ${name} (${next.status}) failed (${outcome.code ?? outcome.signal ?? 'did not start'}): ${outcome.stderr.trim()}`);
      }
    }
    running = undefined;
  }

  return {
    notify(alerts, now) {
      for (const a of alerts) {
        const key = labelsKey(a.labels);
        if (lastStatus.get(key)?.status === a.status) continue;
        lastStatus.set(key, { status: a.status, at: now });
        waiting.push(a);
      }
      // A resolved alert is re-sent for the retention period, then forgotten by the rule: forget it here too.
      for (const [key, s] of lastStatus) if (s.status === 'resolved' && now - s.at > 2 * RESOLVED_RETENTION_MS) lastStatus.delete(key);
      if (waiting.length > MAX_WAITING) {
        const skipped = waiting.splice(0, waiting.length - MAX_WAITING);
        log.warn(`alert hook is behind: skipped ${skipped.length} runs`);
      }
      if (waiting.length > 0) running ??= drain();
    },
    idle: () => running ?? Promise.resolve(),
  };
}
