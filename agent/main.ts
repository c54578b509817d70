import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { buildBatch, type CollectedSample } from '../protocol/batch.ts';
import { encodeBatch } from '../protocol/codec.ts';
import type { Logger } from '../protocol/log.ts';
import { loadRuleFiles } from '../promql/rules/load.ts';
import { createBatcher } from './buffer/batcher.ts';
import { createDropLog } from './buffer/drop-log.ts';
import { DEFAULT_FALLBACK, openFallbackQueue } from './buffer/fallback-queue.ts';
import { openLmdbQueue, peekLmdbSeq } from './buffer/lmdb-queue.ts';
import type { DropEvent } from './buffer/queue.ts';
import type { Collector } from './collect/collector.ts';
import { collectAll, hostCollectors, hostMetricMeta } from './collect/host/index.ts';
import { metadataOf } from './collect/metadata.ts';
import { schedule, type Scheduled } from './collect/schedule.ts';
import { createScrapeManager } from './collect/scrape/manager.ts';
import type { AgentConfig } from './config/defaults.ts';
import { droppedSeqs } from './publish/dropped-seqs.ts';
import { startPublisher } from './publish/publisher.ts';
import { startEdgeRules } from './rules/edge-rules.ts';
import { SELF_METRIC_META, selfMetrics } from './self-metrics.ts';

export interface RunningAgent {
  /** Collects host metrics once now and queues them (what the interval timer does). */
  collectOnce(): Promise<void>;
  /** Re-reads the config file: scrape jobs and collector schedules change, queued data stays. */
  reload(): void;
  close(): Promise<void>;
}

export interface AgentDeps {
  readonly log: Logger;
  readonly now?: () => number;
  /** Re-reads the configuration for reload(); throws with a message naming the problem. */
  readonly loadConfig?: () => AgentConfig;
}

/** The most samples in one batch: far below the wire limit, so one batch stays a small MQTT message. */
const MAX_SAMPLES_PER_BATCH = 20_000;

/** Wiring only: collect and scrape → batcher → queue (durable) → publish; the same samples → local window → edge rules. */
export async function startAgent(initial: AgentConfig, { log, now = Date.now, loadConfig }: AgentDeps): Promise<RunningAgent> {
  let config = initial;
  // Bad rule files stop the start before anything is opened (a reload keeps the running rules instead).
  loadRuleFiles(config.rules.ruleFiles, config.rules.baseDir);
  const queueDir = join(config.dataDir, 'queue');
  const limits = { maxBytes: config.maxQueueBytes, maxAgeMs: config.maxQueueAgeMs };
  const drops = createDropLog(log);
  const dropped = droppedSeqs();
  const onDrop = (e: DropEvent) => {
    drops.record(e);
    dropped.record(e);
  };
  const queue = await openFallbackQueue(
    {
      openDisk: () => openLmdbQueue(queueDir, { limits, onDrop }),
      peekSeq: () => peekLmdbSeq(queueDir),
      memoryLimits: { ...limits, maxBytes: Math.min(limits.maxBytes, DEFAULT_FALLBACK.memoryMaxBytes) },
      retryMs: DEFAULT_FALLBACK.retryMs,
      log,
      onDrop,
    },
    now(),
  );
  const publisher = startPublisher(queue, { ...config, agent: config.id }, log, { now, dropped });
  const queued = createBatcher({
    // Never longer than half an interval, so each collection tick still makes its own batch.
    delayMs: Math.min(config.batchDelayMs, config.intervalMs / 2),
    maxSamples: MAX_SAMPLES_PER_BATCH,
    now,
    write: async (samples, metadata) => {
      await queue.enqueue((seq) => encodeBatch(buildBatch(config.id, seq, samples, metadata)), now(), samples.length);
      publisher.notify();
    },
    onError: (err, n) => log.error(`could not queue a batch of ${n} samples: ${err.message}`),
  });
  const rules = startEdgeRules(config.rules, {
    agentId: config.id,
    log,
    now,
    ship: (samples) => queued.add(samples),
    forStateFile: join(config.dataDir, 'rules-for-state.json'),
    queueSnapshot: async (snapshot) => {
      await queue.enqueue((seq) => encodeBatch(buildBatch(config.id, seq, [], [], snapshot)), now());
      publisher.notify();
    },
  });
  // Everything collected also feeds the local window that edge rules read.
  const batcher = rules.tee(queued);
  const scrapes = createScrapeManager({ sink: (s, m) => batcher.add(s, m), log, now, userAgent: 'Outpost-Agent' });

  // Host metrics carry the labels a Prometheus scrape of node_exporter would add.
  const withTarget = (samples: CollectedSample[], job: string) =>
    samples.map((s) => ({ ...s, labels: { ...s.labels, job, instance: config.id } }));
  const collect = async (collectors: readonly Collector[], t: number) => {
    const host = await collectAll(collectors, t, (line) => log.warn(line));
    batcher.add(withTarget(host, 'node'), metadataOf(host, hostMetricMeta));
  };

  let timers: Scheduled[] = [];
  let onInterval: Collector[] = [];
  const tick = async (t: number) => {
    if (onInterval.length > 0) await collect(onInterval, t);
    await queue.expire(t).catch((err: Error) => log.error(`could not expire old batches: ${err.message}`));
    drops.settle(t);
    const self = selfMetrics(queue.stats(), publisher.counters, publisher.isConnected(), t);
    batcher.add(withTarget(self, 'outpost'), metadataOf(self, (name) => SELF_METRIC_META[name]));
  };
  function applySchedules() {
    timers.forEach((t) => t.stop());
    const all = config.hostEnabled ? hostCollectors({ procPath: config.procPath, sysPath: config.sysPath }) : [];
    onInterval = all.filter((c) => config.collectorCron[c.name] === undefined);
    timers = all
      .filter((c) => config.collectorCron[c.name] !== undefined)
      .map((c) => schedule({ kind: 'cron', expression: config.collectorCron[c.name] as string }, (t) => collect([c], t), now));
    timers.push(schedule({ kind: 'interval', intervalMs: config.intervalMs, offsetMs: 0 }, tick, now));
    scrapes.apply(config.scrapeConfigs);
  }
  applySchedules();
  void tick(now());

  const reload = () => {
    if (!loadConfig) return;
    try {
      const next = loadConfig();
      const fixed = ['id', 'dataDir', 'brokerUrl', 'maxQueueBytes', 'maxQueueAgeMs', 'backlogBytesPerSec'] as const;
      if (fixed.some((key) => next[key] !== config[key])) {
        log.warn('agent id, data directory, broker, queue bounds and backlog rate change only on restart; applying the rest');
      }
      rules.apply(next.rules);
      const { id, dataDir, brokerUrl, maxQueueBytes, maxQueueAgeMs, backlogBytesPerSec } = config;
      config = { ...next, id, dataDir, brokerUrl, maxQueueBytes, maxQueueAgeMs, backlogBytesPerSec };
      applySchedules();
      log.info(`configuration reloaded: ${config.scrapeConfigs.length} scrape jobs, ${scrapes.active().length} targets`);
    } catch (err) {
      log.error(`configuration not reloaded, the previous one keeps running: ${(err as Error).message}`);
    }
  };
  let watcher: FSWatcher | undefined;
  if (config.configFile && loadConfig) {
    let debounce: NodeJS.Timeout | undefined;
    watcher = watch(config.configFile, () => {
      clearTimeout(debounce);
      debounce = setTimeout(reload, 200);
    });
  }

  log.info(`agent ${config.id} collecting every ${config.intervalMs / 1000} s into ${config.dataDir}, sending to ${config.brokerUrl}; ${scrapes.active().length} scrape targets`);

  return {
    collectOnce: () => tick(now()),
    reload,
    async close() {
      watcher?.close();
      timers.forEach((t) => t.stop());
      scrapes.stop();
      await rules.close();
      await batcher.flush();
      await publisher.close();
      await queue.close();
    },
  };
}
