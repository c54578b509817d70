import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scrape target whose counter goes up by one with every scrape it answers, so the test knows every sample that was
 * produced: values 1..served(), one per scrape. Paused, it answers 503 and produces nothing.
 */
export interface CounterTarget {
  readonly address: string;
  served(): number;
  /** Stops producing samples; resolves with the number produced. */
  pause(): number;
  resume(): void;
  close(): Promise<void>;
}

export const COUNTER = 'fault_scrapes_total';

export async function startCounterTarget(): Promise<CounterTarget> {
  let served = 0;
  let paused = false;
  const server = createServer((_req, res) => {
    if (paused) {
      res.writeHead(503).end('paused\n');
      return;
    }
    served++;
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(`# TYPE ${COUNTER} counter\n${COUNTER} ${served}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    served: () => served,
    pause() {
      paused = true;
      return served;
    },
    resume() {
      paused = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
