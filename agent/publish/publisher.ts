import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { decodeAck, encodeStatus } from '../../protocol/codec.ts';
import type { Logger } from '../../protocol/log.ts';
import { sessionOptions, versionChoice, versionName, type MqttVersion } from '../../protocol/mqtt-session.ts';
import { agentClientId, metricsTopic, topicFor } from '../../protocol/topics.ts';
import type { BatchQueue } from '../buffer/queue.ts';
import { backoffDelay, type BackoffPolicy } from './backoff.ts';
import { connectRefusal } from './connect-refusal.ts';
import type { DroppedSeqs } from './dropped-seqs.ts';
import { pickSends, type Lane } from './lanes.ts';
import { tokenBucket } from './token-bucket.ts';

/** How long a stopping agent waits for the broker to take its "offline" status. */
const CLOSE_GRACE_MS = 2_000;

/**
 * How long an MQTT 5 broker keeps the agent's session (its ack subscription, and acks published while it is away)
 * after the link drops. A day covers any ordinary outage; a lost session only costs resending the batches that
 * were in flight, which the aggregator answers as duplicates. Sessions of agents gone for good do not pile up.
 */
export const AGENT_SESSION_EXPIRY_SEC = 86_400;

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
  /** Payload bytes per second the backlog may take after an outage; live batches are never held back. 0: no cap. */
  readonly backlogBytesPerSec?: number;
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
  /** Publishes, resends included, by the lane the batch went out on. */
  batchesSent: Record<Lane, number>;
  /** Payload bytes of those publishes: the backlog's is what its bandwidth cap limits. */
  bytesSent: Record<Lane, number>;
  batchesAcked: number;
  batchesDuplicate: number;
  batchesRejected: number;
  batchesRetried: number;
  /** Acks (stored or duplicate) for batches the queue had already dropped: delivered after all. */
  droppedDelivered: number;
  connects: number;
}

export interface Publisher {
  /** Call after enqueueing: sends what the window allows. */
  notify(): void;
  isConnected(): boolean;
  /** The MQTT version in use: 5, or 4 (3.1.1) once the broker refused 5. */
  protocolVersion(): MqttVersion;
  readonly counters: Readonly<PublisherCounters>;
  /** Says "offline" on the status topic and disconnects; queued batches stay for the next start. */
  close(): Promise<void>;
}

export interface PublisherDeps {
  readonly now?: () => number;
  /** The queue's drops, so that acks for dropped batches are counted (see DroppedSeqs). */
  readonly dropped?: DroppedSeqs;
  /** Opens the MQTT connection; tests pass one that lets them cut the socket. */
  readonly connect?: (url: string, options: IClientOptions) => MqttClient;
}

/**
 * Moves batches from the durable queue to the broker and removes each only when the aggregator's end-to-end ack
 * for it arrives: a broker PUBACK proves only that the broker has it, not that it was stored.
 *
 * After an outage, fresh data goes first: batches queued since the link came up form the live lane, sent at once;
 * those queued before are the backlog, sent oldest first under `backlogBytesPerSec` (lanes.ts). An ack timeout
 * counts as an outage too (the broker may be up while the aggregator is not), so what waited through it joins the
 * backlog. MQTT 5 is tried first and 3.1.1 used, for the rest of the process, once the broker refuses 5.
 */
export function startPublisher(queue: BatchQueue, opts: PublisherOptions, log: Logger, deps: PublisherDeps = {}): Publisher {
  const now = deps.now ?? Date.now;
  const connect = deps.connect ?? mqtt.connect;
  const counters: PublisherCounters = {
    batchesSent: { live: 0, backlog: 0 },
    bytesSent: { live: 0, backlog: 0 },
    batchesAcked: 0,
    batchesDuplicate: 0,
    batchesRejected: 0,
    batchesRetried: 0,
    droppedDelivered: 0,
    connects: 0,
  };
  const inFlight = new Map<number, { sentAt: number; lane: Lane }>();
  const bucket = tokenBucket(opts.backlogBytesPerSec ?? 0);
  const version = versionChoice();
  let liveFrom = queue.stats().created;
  let holdUntil = 0; // after a "retry" ack the aggregator asked us to wait
  let attempt = 0;
  let closing = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let wakeTimer: NodeJS.Timeout | undefined;

  const ackTopic = topicFor(opts.agent, 'ack');
  const statusTopic = topicFor(opts.agent, 'status');
  const status = (state: 'online' | 'offline', t: number) => Buffer.from(encodeStatus({ state, t }));
  const tls = tlsOptions(opts.tls);

  function open(): MqttClient {
    const c = connect(opts.brokerUrl, {
      clientId: agentClientId(opts.agent),
      username: opts.agent,
      ...(opts.password !== undefined ? { password: opts.password } : {}),
      ...tls,
      // A kept session, so acks published while we were away still reach us.
      ...sessionOptions(version.current(), AGENT_SESSION_EXPIRY_SEC),
      keepalive: opts.keepaliveSec,
      reconnectPeriod: 0, // we reconnect ourselves, with backoff and jitter
      connectTimeout: 10_000,
      will: { topic: statusTopic, payload: status('offline', 0), qos: 1, retain: true },
    });
    c.on('connect', () => {
      if (c !== client) return;
      counters.connects++;
      attempt = 0;
      // Everything queued until now waited through the outage: it is the backlog.
      liveFrom = queue.stats().created;
      log.info(`connected to ${opts.brokerUrl} (MQTT ${versionName(version.current())}); ${queue.stats().batches} batches queued`);
      c.publish(statusTopic, status('online', now()), { qos: 1, retain: true });
      c.subscribe(ackTopic, { qos: 1 }, (err) => {
        if (err) log.error(`cannot subscribe to ${ackTopic}: ${err.message}; check the broker's ACL for agent ${opts.agent}`);
      });
      pump();
    });
    c.on('close', () => {
      if (c !== client) return;
      // Whatever was in flight may or may not have arrived: resend it all after reconnecting.
      inFlight.clear();
      if (closing) return;
      const delay = backoffDelay(attempt++, opts.backoff);
      log.warn(`disconnected from ${opts.brokerUrl}; reconnecting in ${(delay / 1000).toFixed(1)} s`);
      reconnectTimer = setTimeout(() => c.reconnect(), delay);
    });
    c.on('error', (err) => {
      if (c !== client) return;
      if (version.refused(err)) {
        log.info(`${opts.brokerUrl} does not speak MQTT 5; using 3.1.1 from now on`);
        clearTimeout(reconnectTimer);
        c.end(true);
        client = open();
        return;
      }
      const refusal = connectRefusal(err, opts.agent, opts.keepaliveSec);
      if (refusal) log.error(refusal);
      else log.warn(`MQTT: ${err.message}`);
    });
    c.on('message', (topic, payload) => {
      if (c === client && topic === ackTopic) void onAck(payload);
    });
    return c;
  }
  let client = open();

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
        if (deps.dropped?.delivered(ack.seq)) counters.droppedDelivered++;
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
    clearTimeout(wakeTimer);
    if (closing || !client.connected || now() < holdUntil) return;
    const lanes = new Map([...inFlight].map(([seq, f]) => [seq, f.lane]));
    const picked = pickSends(queue, { windowSize: opts.windowSize, inFlight: lanes, liveFrom, bucket, now: now() });
    for (const { batch, lane } of picked.sends) {
      inFlight.set(batch.seq, { sentAt: now(), lane });
      counters.batchesSent[lane]++;
      counters.bytesSent[lane] += batch.payload.byteLength;
      client.publish(metricsTopic(opts.agent, batch.seq), Buffer.from(batch.payload), { qos: 1 }, (err) => {
        if (err) inFlight.delete(batch.seq);
      });
    }
    if (picked.throttled) {
      wakeTimer = setTimeout(pump, Math.max(1, bucket.waitMs(now())));
      wakeTimer.unref();
    }
  }

  // Expire unacked batches so they are sent again, and resume after a "retry" hold.
  const ticker = setInterval(() => {
    const expired = now() - opts.ackTimeoutMs;
    let stalled = false;
    for (const [seq, { sentAt }] of inFlight) {
      if (sentAt >= expired) continue;
      inFlight.delete(seq);
      stalled = true;
    }
    // No ack for a whole timeout: the aggregator was away even if the broker was not.
    if (stalled) liveFrom = queue.stats().created;
    pump();
  }, 1_000);
  ticker.unref();

  return {
    counters,
    notify: pump,
    isConnected: () => client.connected,
    protocolVersion: () => version.current(),
    async close() {
      closing = true;
      clearInterval(ticker);
      clearTimeout(reconnectTimer);
      clearTimeout(wakeTimer);
      if (client.connected) {
        // Bounded: on a link that died unnoticed the PUBACK never comes, and an await on nothing but a dead socket
        // would let the process drain its event loop mid-shutdown (Node exits 13). The broker's Will says
        // "offline" anyway; queued batches are on disk for the next start.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          client.publishAsync(statusTopic, status('offline', now()), { qos: 1, retain: true }).catch(() => {}),
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
