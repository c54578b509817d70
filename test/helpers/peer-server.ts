import { spawn } from 'node:child_process';
import { eventually } from './process.ts';

/** A real peer server (Prometheus, Alertmanager) started by a test. */
export interface RunningPeer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly pid: number;
  output(): string;
  /** SIGTERM, then SIGKILL after 10 s; resolves once the process is gone. */
  stop(): Promise<void>;
}

/**
 * Starts `binary args` listening on 127.0.0.1:`port` and resolves once its /-/ready answers; a peer that exits
 * or never gets ready is stopped and the error carries what it printed.
 */
export async function startPeerServer(name: string, binary: string, args: readonly string[], port: number): Promise<RunningPeer> {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}):\n${out}`);
      return (await fetch(`${url}/-/ready`)).ok ? true : undefined;
    }, 60_000, `${name} to be ready`);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, pid: child.pid as number, output: () => out, stop };
}
