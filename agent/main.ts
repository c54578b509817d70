import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildBatch, type CollectedSample } from '../protocol/batch.ts';
import { encodeBatch } from '../protocol/codec.ts';
import type { Logger } from '../protocol/log.ts';
import { openLmdbQueue } from './buffer/lmdb-queue.ts';
import { collectAll, hostCollectors } from './collect/host/index.ts';
import type { AgentConfig } from './config.ts';
import { startPublisher } from './publish/publisher.ts';
import { selfMetrics } from './self-metrics.ts';

export interface RunningAgent {
  /** Collects once now and queues the batch (also what the interval timer does). */
  collectOnce(): Promise<void>;
  close(): Promise<void>;
}

/** Wiring only: collect → queue (durable) → publish. */
export async function startAgent(config: AgentConfig, log: Logger, now = Date.now): Promise<RunningAgent> {
  mkdirSync(config.dataDir, { recursive: true });
  const queue = await openLmdbQueue(join(config.dataDir, 'queue'));
  const collectors = hostCollectors({ procPath: config.procPath, sysPath: config.sysPath });
  const publisher = startPublisher(queue, { ...config, agent: config.id }, log, now);
  // Host metrics carry the labels a Prometheus scrape of node_exporter would add.
  const target = { job: 'node', instance: config.id };

  let running: Promise<void> | undefined;
  async function collect() {
    const t = now();
    const host = await collectAll(collectors, t, (line) => log.warn(line));
    const samples: CollectedSample[] = host.map((s) => ({ ...s, labels: { ...s.labels, ...target } }));
    for (const s of selfMetrics(queue.stats(), publisher.counters, publisher.isConnected(), t)) {
      samples.push({ ...s, labels: { ...s.labels, job: 'outpost', instance: config.id } });
    }
    await queue.enqueue((seq) => encodeBatch(buildBatch(config.id, seq, samples)), t);
    publisher.notify();
  }
  // One collection at a time: a slow disk must not stack up overlapping runs.
  const collectOnce = () => {
    running ??= collect()
      .catch((err: Error) => log.error(`collection failed: ${err.message}`))
      .finally(() => (running = undefined));
    return running;
  };

  const timer = setInterval(() => void collectOnce(), config.intervalMs);
  void collectOnce();
  log.info(`agent ${config.id} collecting every ${config.intervalMs / 1000} s into ${config.dataDir}, sending to ${config.brokerUrl}`);

  return {
    collectOnce,
    async close() {
      clearInterval(timer);
      await running;
      await publisher.close();
      await queue.close();
    },
  };
}
