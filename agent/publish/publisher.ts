import { readFileSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import { decodeAck, encodeStatus } from '../../protocol/codec.ts';
import type { Logger } from '../../protocol/log.ts';
import { agentClientId, metricsTopic, topicFor } from '../../protocol/topics.ts';
import type { BatchQueue } from '../buffer/queue.ts';
import { backoffDelay, type BackoffPolicy } from './backoff.ts';

/** How long a stopping agent waits for the broker to take its "offline" status. */
const CLOSE_GRACE_MS = 2_000;

export interface PublisherOptions {
  readonly agent: string;
  readonly brokerUrl: string;
  readonly password?: string;
  /** For `mqtts://`: whom to trust and, when the broker asks for one, the agent's certificate. */
  readonly tls?: BrokerClientTls;
  /** Batches sent and not yet acked at once, so link latency does not cap throughput. */
  readonly windowSize: number;
  /** A batch not acked after this long is sent again (the aggregator dedupes). */
  readonly ackTimeoutMs: number;
  readonly keepaliveSec: number;
  readonly backoff: BackoffPolicy;
}

/** PEM file paths; without caFile the system's CAs are trusted. */
export interface BrokerClientTls {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  /** The name the broker's certificate must carry, when it differs from the URL's host. */
  readonly serverName?: string;
}

export interface PublisherCounters {
  batchesSent: number;
  batchesAcked: number;
  batchesDuplicate: number;
  batchesRejected: number;
  batchesRetried: number;
  connects: number;
}

export interface Publisher {
  /** Call after enqueueing: sends what the window allows. */
  notify(): void;
  isConnected(): boolean;
  readonly counters: Readonly<PublisherCounters>;
  /** Says "offline" on the status topic and disconnects; queued batches stay for the next start. */
  close(): Promise<void>;
}

/**
 * Moves batches from the durable queue to the broker and removes each only when the aggregator's end-to-end ack
 * for it arrives: a broker PUBACK proves only that the broker has it, not that it was stored.
 */
export function startPublisher(queue: BatchQueue, opts: PublisherOptions, log: Logger, now = Date.now): Publisher {
  const counters: PublisherCounters = {
    batchesSent: 0,
    batchesAcked: 0,
    batchesDuplicate: 0,
    batchesRejected: 0,
    batchesRetried: 0,
    connects: 0,
  };
  const inFlight = new Map<number, number>(); // seq → when sent
  let holdUntil = 0; // after a "retry" ack the aggregator asked us to wait
  let attempt = 0;
  let closing = false;
  let reconnectTimer: NodeJS.Timeout | undefined;

  const ackTopic = topicFor(opts.agent, 'ack');
  const statusTopic = topicFor(opts.agent, 'status');
  const client: MqttClient = mqtt.connect(opts.brokerUrl, {
    clientId: agentClientId(opts.agent),
    username: opts.agent,
    ...(opts.password !== undefined ? { password: opts.password } : {}),
    ...tlsOptions(opts.tls),
    protocolVersion: 4, // MQTT 3.1.1: the embedded aedes broker does not speak 5
    clean: false, // keep the session, so acks published while we were away still reach us
    keepalive: opts.keepaliveSec,
    reconnectPeriod: 0, // we reconnect ourselves, with backoff and jitter
    connectTimeout: 10_000,
    will: { topic: statusTopic, payload: Buffer.from(encodeStatus({ state: 'offline', t: 0 })), qos: 1, retain: true },
  });

  client.on('connect', () => {
    counters.connects++;
    attempt = 0;
    log.info(`connected to ${opts.brokerUrl}; ${queue.stats().batches} batches queued`);
    client.publish(statusTopic, Buffer.from(encodeStatus({ state: 'online', t: now() })), { qos: 1, retain: true });
    client.subscribe(ackTopic, { qos: 1 }, (err) => {
      if (err) log.error(`cannot subscribe to ${ackTopic}: ${err.message}; check the broker's ACL for agent ${opts.agent}`);
    });
    pump();
  });

  client.on('close', () => {
    // Whatever was in flight may or may not have arrived: resend it all after reconnecting.
    inFlight.clear();
    if (closing) return;
    const delay = backoffDelay(attempt++, opts.backoff);
    log.warn(`disconnected from ${opts.brokerUrl}; reconnecting in ${(delay / 1000).toFixed(1)} s`);
    reconnectTimer = setTimeout(() => client.reconnect(), delay);
  });

  client.on('error', (err) => log.warn(`MQTT: ${err.message}`));

  client.on('message', (topic, payload) => {
    if (topic !== ackTopic) return;
    void onAck(payload);
  });

  async function onAck(payload: Buffer) {
    let ack;
    try {
      ack = decodeAck(payload);
    } catch (err) {
      log.warn(`ignored an unreadable ack: ${(err as Error).message}`);
      return;
    }
    switch (ack.status) {
      case 'stored':
      case 'duplicate':
        await queue.remove(ack.seq);
        if (ack.status === 'stored') counters.batchesAcked++;
        else counters.batchesDuplicate++;
        break;
      case 'rejected':
        // Permanently invalid: resending cannot help, and keeping it would hold a window slot forever.
        await queue.remove(ack.seq);
        counters.batchesRejected++;
        log.error(`aggregator rejected batch ${ack.seq}, dropped it: ${ack.reason ?? 'no reason given'}`);
        break;
      case 'retry':
        counters.batchesRetried++;
        holdUntil = now() + backoffDelay(counters.batchesRetried, opts.backoff);
        log.warn(`aggregator could not store batch ${ack.seq} now (${ack.reason ?? 'no reason given'}); will resend`);
        break;
    }
    inFlight.delete(ack.seq);
    pump();
  }

  function pump() {
    if (closing || !client.connected || now() < holdUntil) return;
    const free = opts.windowSize - inFlight.size;
    if (free <= 0) return;
    for (const batch of queue.oldest(free, new Set(inFlight.keys()))) {
      inFlight.set(batch.seq, now());
      counters.batchesSent++;
      client.publish(metricsTopic(opts.agent, batch.seq), Buffer.from(batch.payload), { qos: 1 }, (err) => {
        if (err) inFlight.delete(batch.seq);
      });
    }
  }

  // Expire unacked batches so they are sent again, and resume after a "retry" hold.
  const ticker = setInterval(() => {
    const expired = now() - opts.ackTimeoutMs;
    for (const [seq, sentAt] of inFlight) if (sentAt < expired) inFlight.delete(seq);
    pump();
  }, 1_000);
  ticker.unref();

  return {
    counters,
    notify: pump,
    isConnected: () => client.connected,
    async close() {
      closing = true;
      clearInterval(ticker);
      clearTimeout(reconnectTimer);
      if (client.connected) {
        // Bounded: on a link that died unnoticed the PUBACK never comes, and an await on nothing but a dead socket
        // would let the process drain its event loop mid-shutdown (Node exits 13). The broker's Will says
        // "offline" anyway; queued batches are on disk for the next start.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          client.publishAsync(statusTopic, Buffer.from(encodeStatus({ state: 'offline', t: now() })), { qos: 1, retain: true }).catch(() => {}),
          new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS))),
        ]);
        clearTimeout(timer);
      }
      // Forced: a graceful end also waits for in-flight acks that a dead link never brings.
      await client.endAsync(true);
    },
  };
}

/** Read once at start: a renewed certificate takes effect on the agent's next start. */
function tlsOptions(tls: BrokerClientTls | undefined) {
  if (!tls) return {};
  return {
    ...(tls.caFile !== undefined ? { ca: readFileSync(tls.caFile) } : {}),
    ...(tls.certFile !== undefined ? { cert: readFileSync(tls.certFile) } : {}),
    ...(tls.keyFile !== undefined ? { key: readFileSync(tls.keyFile) } : {}),
    ...(tls.serverName !== undefined ? { servername: tls.serverName } : {}),
    rejectUnauthorized: true,
  };
}
