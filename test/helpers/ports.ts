import { createServer } from 'node:net';

/**
 * Ports are handed out below Linux's ephemeral range (32768–60999), so no outgoing connection of a parallel test
 * can take one between this check and the server's bind, and each vitest worker has its own slice of 1,500 ports,
 * handed out in turn, so two workers or two servers of one test never get the same one.
 */
const FIRST = 20_000;
const SLICE = 1_500;
const worker = Number(process.env.VITEST_POOL_ID ?? process.pid) % 8;
let next = Math.floor(Math.random() * SLICE);

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A loopback port that is free now and that no other caller in this test run gets. */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < SLICE; tries++) {
    const port = FIRST + worker * SLICE + (next++ % SLICE);
    if (await canBind(port)) return port;
  }
  throw new Error(`no free loopback port in ${FIRST + worker * SLICE}–${FIRST + (worker + 1) * SLICE - 1}`);
}
