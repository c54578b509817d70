import type { Batch, Sample } from '../../protocol/batch.ts';
import type { Labels } from '../../protocol/labels.ts';
import { decodeBatch, decodeStatus, encodeAck, type Ack } from '../../protocol/codec.ts';
import { ProtocolError } from '../../protocol/errors.ts';
import type { RuleSnapshot } from '../../protocol/rules.ts';
import { parseTopic, topicFor } from '../../protocol/topics.ts';
import type { MetadataStore } from '../store/metadata.ts';
import type { Storage } from '../store/storage.ts';
import type { AgentRegistry } from './agent-registry.ts';
import type { Logger } from '../../protocol/log.ts';

/** A message to publish in answer to one received. */
export interface Reply {
  readonly topic: string;
  readonly payload: Uint8Array;
}

export interface IngestCounters {
  batchesStored: number;
  batchesDuplicate: number;
  batchesRejected: number;
  /** Valid batches that could not be stored (e.g. disk full); the agent keeps and resends them. */
  batchesFailed: number;
  samplesStored: number;
  /** Messages on topics outside the contract, or undecodable status messages. */
  messagesIgnored: number;
  /** Metadata entries not kept: over the store's bounds, or not written (the agent resends them within minutes). */
  metadataDropped: number;
}

export interface Ingest {
  /** Handles one MQTT message from any broker; returns the ack to publish, if any. Never throws. */
  handle(topic: string, payload: Uint8Array): Promise<Reply | undefined>;
  readonly counters: Readonly<IngestCounters>;
}

export interface IngestDeps {
  readonly storage: Storage;
  readonly registry: AgentRegistry;
  /** Where batches' metric metadata goes; without one it is read and validated, then ignored. */
  readonly metadata?: MetadataStore;
  readonly log: Logger;
  readonly now: () => number;
  /** Told what each batch stored, once it is durable and before the ack (remote write forwarding). Must not throw. */
  readonly onStored?: (series: readonly Labels[], samples: readonly Sample[]) => void;
  /** Told an agent's rule state carried by a batch (a resend too: newer states win there). Must not throw. */
  readonly onRules?: (agent: string, snapshot: RuleSnapshot) => void;
}

/**
 * The broker-independent heart of the aggregator: validate, store durably, then ack. The embedded aedes broker
 * and an external broker both feed it, so the rules here hold whichever one a site runs.
 */
export function createIngest({ storage, registry, metadata, log, now, onStored, onRules }: IngestDeps): Ingest {
  const counters: IngestCounters = {
    batchesStored: 0,
    batchesDuplicate: 0,
    batchesRejected: 0,
    batchesFailed: 0,
    samplesStored: 0,
    messagesIgnored: 0,
    metadataDropped: 0,
  };

  /**
   * After the samples, and for duplicates too: a resend after a failed metadata write brings the entries again.
   * A failure here costs no samples, so it does not fail the batch; the agent's periodic resend heals it.
   */
  async function recordMetadata(agent: string, batch: Batch) {
    if (!metadata || !batch.metadata || batch.metadata.length === 0) return;
    try {
      counters.metadataDropped += await metadata.record(batch.metadata);
    } catch (err) {
      counters.metadataDropped += batch.metadata.length;
      log.warn(`metadata of batch ${batch.seq} from agent ${agent} not stored: ${(err as Error).message}`);
    }
  }

  /** Numbers messages as they arrive (see AgentRegistry). */
  let arrivals = 0;

  async function handleBatch(agent: string, seq: number, payload: Uint8Array, arrival: number): Promise<Ack> {
    try {
      const batch = decodeBatch(payload);
      if (batch.agent !== agent) {
        throw new ProtocolError('invalid', 'agent', `batch says ${batch.agent} but was published by ${agent}`);
      }
      if (batch.seq !== seq) throw new ProtocolError('invalid', 'seq', `batch says ${batch.seq}, topic says ${seq}`);
      const outcome = await storage.appendBatch(batch);
      await recordMetadata(agent, batch);
      if (batch.rules) onRules?.(agent, batch.rules);
      if (outcome.status === 'duplicate') {
        counters.batchesDuplicate++;
        registry.batchDuplicate(agent, now());
        return { seq, status: 'duplicate' };
      }
      counters.batchesStored++;
      counters.samplesStored += outcome.samples;
      onStored?.(batch.series, batch.samples);
      registry.batchStored(agent, seq, outcome.samples, now(), arrival);
      return { seq, status: 'stored' };
    } catch (err) {
      if (err instanceof ProtocolError) {
        if (err.permanent) {
          counters.batchesRejected++;
          registry.batchRejected(agent, now());
          log.warn(`rejected batch ${seq} from agent ${agent}: ${err.message}`);
          return { seq, status: 'rejected', reason: err.message };
        }
        counters.batchesFailed++;
        log.warn(`cannot read batch ${seq} from agent ${agent} yet: ${err.message}`);
        return { seq, status: 'retry', reason: err.message };
      }
      counters.batchesFailed++;
      log.error(`storing batch ${seq} from agent ${agent} failed, the agent will resend it: ${(err as Error).message}`);
      return { seq, status: 'retry', reason: 'aggregator storage error' };
    }
  }

  return {
    counters,
    async handle(topic, payload) {
      const parsed = parseTopic(topic);
      const arrival = ++arrivals;
      if (parsed?.kind === 'metrics' && parsed.seq !== undefined) {
        const ack = await handleBatch(parsed.agent, parsed.seq, payload, arrival);
        return { topic: topicFor(parsed.agent, 'ack'), payload: encodeAck(ack) };
      }
      if (parsed?.kind === 'status') {
        try {
          const status = decodeStatus(payload);
          registry.statusChanged(parsed.agent, status.state === 'online', now(), arrival);
          log.info(`agent ${parsed.agent} is ${status.state}`);
        } catch (err) {
          counters.messagesIgnored++;
          log.warn(`ignored status message from agent ${parsed.agent}: ${(err as Error).message}`);
        }
        return undefined;
      }
      counters.messagesIgnored++;
      return undefined;
    },
  };
}
