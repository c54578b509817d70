import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.ts';

const CLI = fileURLToPath(new URL('../../cli/outpost.mjs', import.meta.url));

export interface RunningProcess {
  readonly child: ChildProcess;
  /** Everything it printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Resolves when the output contains `text`; rejects after timeoutMs with the output so far. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  /** SIGINT (clean) or SIGKILL; resolves with the exit code once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const running = new Set<RunningProcess>();

/** Starts `outpost <args>` as a real process. Call stopAll() in afterEach/afterAll so nothing is left behind. */
export function startOutpost(args: string[]): RunningProcess {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const proc: RunningProcess = {
    child,
    output: () => out,
    async waitFor(text, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!out.includes(text)) {
        if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}) before printing ${JSON.stringify(text)}:\n${out}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${JSON.stringify(text)}:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop(signal = 'SIGINT') {
      running.delete(proc);
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  running.add(proc);
  return proc;
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop('SIGKILL')));
}

/** Polls `check` until it returns a value other than undefined. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface StartedAggregator {
  readonly process: RunningProcess;
  /** http://127.0.0.1:<port> */
  readonly api: string;
  readonly httpPort: number;
  readonly mqttPort: number;
}

/**
 * `outpost aggregator` on free loopback ports (or the given ones, to restart on the same addresses), resolved once
 * it serves HTTP.
 */
export async function startAggregatorProcess(
  dataDir: string,
  opts: { extraArgs?: readonly string[]; httpPort?: number; mqttPort?: number } = {},
): Promise<StartedAggregator> {
  const httpPort = opts.httpPort ?? (await freePort());
  const mqttPort = opts.mqttPort ?? (await freePort());
  const proc = startOutpost([
    'aggregator',
    '--data-dir', dataDir,
    '--http-listen', `127.0.0.1:${httpPort}`,
    '--mqtt-listen', `127.0.0.1:${mqttPort}`,
    ...(opts.extraArgs ?? []),
  ]);
  await proc.waitFor('HTTP API and dashboard on');
  return { process: proc, api: `http://127.0.0.1:${httpPort}`, httpPort, mqttPort };
}
