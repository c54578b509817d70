import cron from 'node-cron';
import type { Logger } from '../../protocol/log.ts';

/**
 * Every five minutes. A run starts with a checkpoint, which rewrites the head record of every series that changed:
 * more often would write more (STORAGE.md, "Checkpoint"); less often would leave more WAL for a restart to replay.
 */
export const DEFAULT_MAINTENANCE_CRON = '0 */5 * * * *';

export interface MaintenanceJob {
  stop(): Promise<void>;
}

/**
 * Runs the store's maintenance (retention, compaction, checkpoint) on a node-cron schedule. A run still busy when
 * the next is due is skipped, not stacked; a failed run is logged and the next one tries again.
 */
export function scheduleMaintenance(maintain: () => Promise<void>, log: Logger, expression = DEFAULT_MAINTENANCE_CRON): MaintenanceJob {
  let running: Promise<void> | undefined;
  const job = cron.schedule(expression, () => {
    if (running !== undefined) return;
    const started = Date.now();
    running = maintain()
      .then(() => {
        const ms = Date.now() - started;
        if (ms > 10_000) log.warn(`storage maintenance took ${ms} ms`);
      })
      .catch((err: Error) => log.error(`storage maintenance failed, retried at the next run: ${err.message}`))
      .finally(() => (running = undefined));
  });
  return {
    async stop() {
      await job.destroy();
      await running;
    },
  };
}
