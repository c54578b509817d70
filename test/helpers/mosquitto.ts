import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { peer } from './peers.ts';

/** The shipped mosquitto files (README "Broker security"). */
export const MOSQUITTO_DIR = fileURLToPath(new URL('../../aggregator/ingest/mosquitto/', import.meta.url));

/** The mosquitto binary, or undefined (the caller skips loudly; CI fails). */
export const mosquittoBinary = (): string | undefined => peer('mosquitto', 'mosquitto');

export interface MosquittoOptions {
  readonly binary: string;
  /** Holds the generated config; the log goes to stderr (unbuffered, so a kill loses none of it), kept in memory. */
  readonly dir: string;
  readonly port: number;
  /**
   * With a password file: the shipped mosquitto.conf and acl (only the paths and the listener port changed).
   * Without: anonymous clients on loopback, no ACL.
   */
  readonly passwordFile?: string;
}

export interface RunningMosquitto {
  readonly url: string;
  /** Everything mosquitto logged so far. */
  log(): string;
  /** Starts it (again, after stop()) and resolves once it accepts connections. */
  start(): Promise<void>;
  /** SIGKILL: nothing is saved, as in a crash. */
  stop(): Promise<void>;
}

/** A real mosquitto on a loopback port, stopped by its pid. */
export function mosquitto(opts: MosquittoOptions): RunningMosquitto {
  const file = join(opts.dir, 'mosquitto.conf');
  const base = opts.passwordFile
    ? readFileSync(join(MOSQUITTO_DIR, 'mosquitto.conf'), 'utf8')
        .replace('/etc/outpost/passwd', opts.passwordFile)
        .replace('/etc/outpost/acl', join(MOSQUITTO_DIR, 'acl'))
        .replace('listener 1883 127.0.0.1', `listener ${opts.port} 127.0.0.1`)
    : `listener ${opts.port} 127.0.0.1\nallow_anonymous true\n`;
  // As root, mosquitto would switch to its own user, which cannot read the temp dir; log everything to stdout.
  writeFileSync(file, `${base}\nuser ${userInfo().username}\nlog_dest stderr\nlog_type all\nconnection_messages true\n`);
  let child: ChildProcess | undefined;
  let out = '';

  const accepting = () =>
    new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port: opts.port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });

  return {
    url: `mqtt://127.0.0.1:${opts.port}`,
    log: () => out,
    async start() {
      const proc = spawn(opts.binary, ['-c', file], { stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
      proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
      const deadline = Date.now() + 10_000;
      while (!(await accepting())) {
        if (proc.exitCode !== null) throw new Error(`mosquitto exited (${proc.exitCode}):\n${out}`);
        if (Date.now() > deadline) throw new Error(`mosquitto did not listen on ${opts.port}:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      const proc = child;
      child = undefined;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined) return;
      const exited = new Promise((r) => proc.once('exit', r));
      process.kill(proc.pid, 'SIGKILL');
      await exited;
    },
  };
}
