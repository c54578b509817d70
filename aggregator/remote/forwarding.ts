import type { Logger } from '../../protocol/log.ts';
import type { OnStored } from './receiver.ts';
import type { RemoteWriteConfig } from './sender-config.ts';
import { startRemoteWriteSender, type RemoteWriteSender } from './sender.ts';

/** Everything the aggregator stores, fanned out to each configured remote_write endpoint. */
export interface Forwarding {
  /** Hand to ingest and to the remote write receiver: called after each durable store. */
  readonly onStored: OnStored;
  readonly senders: readonly RemoteWriteSender[];
  /** Flushes every sender in parallel, for at most `flushDeadlineMs` in all. */
  close(flushDeadlineMs: number): Promise<void>;
}

export function startForwarding(configs: readonly RemoteWriteConfig[], deps: { log: Logger; userAgent: string }): Forwarding {
  const senders = configs.map((c) => startRemoteWriteSender(c, deps));
  for (const c of configs) deps.log.info(`remote write: forwarding everything stored to ${c.url}`);
  return {
    senders,
    onStored(series, samples) {
      for (const s of senders) s.append(series, samples);
    },
    async close(flushDeadlineMs) {
      await Promise.all(senders.map((s) => s.close(flushDeadlineMs)));
    },
  };
}
