import type { CollectedSample } from '../protocol/batch.ts';
import { DROP_REASONS, type QueueStats } from './buffer/queue.ts';
import type { MetricMeta } from './collect/collector.ts';
import { LANES } from './publish/lanes.ts';
import type { PublisherCounters } from './publish/publisher.ts';

/** TYPE/HELP of the agent's own pipeline metrics, sent as their metadata. */
export const SELF_METRIC_META: Record<string, MetricMeta> = {
  outpost_agent_queue_batches: { type: 'gauge', help: 'Batches in the agent queue, waiting for an ack.' },
  outpost_agent_queue_bytes: { type: 'gauge', help: 'Bytes of the batches in the agent queue.' },
  outpost_agent_queue_oldest_age_seconds: { type: 'gauge', help: 'Age of the oldest batch in the agent queue; 0 when empty.' },
  outpost_agent_queue_durable: { type: 'gauge', help: 'Whether the agent queue is on disk (1) or, the disk failing, in memory only (0).' },
  outpost_agent_queue_dropped_batches_total: { type: 'counter', help: 'Oldest batches dropped to keep the agent queue within its bounds, by bound (bytes, age).' },
  outpost_agent_queue_dropped_samples_total: { type: 'counter', help: 'Samples in the batches dropped from the agent queue, by bound (bytes, age).' },
  outpost_agent_queue_dropped_delivered_batches_total: {
    type: 'counter',
    help: 'Dropped batches the aggregator stored after all (in flight or held by a broker when dropped); dropped minus these is what it misses.',
  },
  outpost_agent_batches_created_total: { type: 'counter', help: 'Batches numbered by the agent queue, across restarts.' },
  outpost_agent_connected: { type: 'gauge', help: 'Whether the agent is connected to the MQTT broker (1) or not (0).' },
  outpost_agent_batches_sent_total: { type: 'counter', help: 'Batches published to the broker, resends included, by lane (live, backlog).' },
  outpost_agent_backlog_sent_bytes_total: { type: 'counter', help: 'Payload bytes published from the backlog after an outage, resends included: what the backlog rate caps.' },
  outpost_agent_batches_acked_total: { type: 'counter', help: 'Batches the aggregator acknowledged as stored.' },
  outpost_agent_batches_rejected_total: { type: 'counter', help: 'Batches the aggregator rejected as invalid, dropped from the queue.' },
};

/** The agent's view of its own pipeline, shipped with every batch so the fleet overview can show backlogs. */
export function selfMetrics(queue: QueueStats, pub: Readonly<PublisherCounters>, connected: boolean, t: number): CollectedSample[] {
  const m = (name: string, v: number, labels: Record<string, string> = {}): CollectedSample => ({ labels: { __name__: name, ...labels }, v, t });
  return [
    m('outpost_agent_queue_batches', queue.batches),
    m('outpost_agent_queue_bytes', queue.bytes),
    m('outpost_agent_queue_oldest_age_seconds', queue.oldestQueuedAt === undefined ? 0 : Math.max(0, t - queue.oldestQueuedAt) / 1000),
    m('outpost_agent_queue_durable', queue.durable ? 1 : 0),
    ...DROP_REASONS.map((reason) => m('outpost_agent_queue_dropped_batches_total', queue.droppedBatches[reason], { reason })),
    ...DROP_REASONS.map((reason) => m('outpost_agent_queue_dropped_samples_total', queue.droppedSamples[reason], { reason })),
    m('outpost_agent_batches_created_total', queue.created),
    m('outpost_agent_connected', connected ? 1 : 0),
    m('outpost_agent_queue_dropped_delivered_batches_total', pub.droppedDelivered),
    ...LANES.map((lane) => m('outpost_agent_batches_sent_total', pub.batchesSent[lane], { lane })),
    m('outpost_agent_backlog_sent_bytes_total', pub.bytesSent.backlog),
    m('outpost_agent_batches_acked_total', pub.batchesAcked),
    m('outpost_agent_batches_rejected_total', pub.batchesRejected),
  ];
}
