import type { CollectedSample } from '../protocol/batch.ts';
import type { QueueStats } from './buffer/queue.ts';
import type { PublisherCounters } from './publish/publisher.ts';

/** The agent's view of its own pipeline, shipped with every batch so the fleet overview can show backlogs. */
export function selfMetrics(queue: QueueStats, pub: Readonly<PublisherCounters>, connected: boolean, t: number): CollectedSample[] {
  const m = (name: string, v: number): CollectedSample => ({ labels: { __name__: name }, v, t });
  return [
    m('outpost_agent_queue_batches', queue.batches),
    m('outpost_agent_queue_bytes', queue.bytes),
    m('outpost_agent_batches_created_total', queue.created),
    m('outpost_agent_connected', connected ? 1 : 0),
    m('outpost_agent_batches_sent_total', pub.batchesSent),
    m('outpost_agent_batches_acked_total', pub.batchesAcked),
    m('outpost_agent_batches_rejected_total', pub.batchesRejected),
  ];
}
