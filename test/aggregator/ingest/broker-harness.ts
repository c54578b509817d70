import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Ingest, IngestCounters } from '../../../aggregator/ingest/ingest.ts';
import { encodeAck } from '../../../protocol/codec.ts';
import type { Logger } from '../../../protocol/log.ts';
import { agentClientId, parseTopic, topicFor } from '../../../protocol/topics.ts';

/** Log lines by level, for asserting what was (and was not) logged. */
export function captureLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };
}

/** An ingest that records each message's topic and acks every batch as stored: the broker's policy is under test. */
export function recordingIngest(): Ingest & { topics: string[] } {
  const topics: string[] = [];
  return {
    topics,
    counters: {} as IngestCounters,
    async handle(topic) {
      topics.push(topic);
      const parsed = parseTopic(topic);
      if (parsed?.kind !== 'metrics') return undefined;
      return { topic: topicFor(parsed.agent, 'ack'), payload: encodeAck({ seq: parsed.seq as number, status: 'stored' }) };
    },
  };
}

export type ConnectOutcome = { client: MqttClient } | { refused: number | undefined; message: string };

/** Connects once (no retries) as `agent`, with its proper client id unless told otherwise. */
export function connectAs(url: string, agent: string, opts: IClientOptions = {}): Promise<ConnectOutcome> {
  const client = mqtt.connect(url, {
    username: agent,
    clientId: agentClientId(agent),
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5_000,
    ...opts,
  });
  return new Promise((resolve) => {
    client.once('connect', () => resolve({ client }));
    const fail = (err?: Error & { code?: unknown }) => {
      client.end(true);
      resolve({ refused: typeof err?.code === 'number' ? err.code : undefined, message: err?.message ?? 'connection closed' });
    };
    client.once('error', fail);
    client.once('close', () => fail());
  });
}

export function connected(outcome: ConnectOutcome): MqttClient {
  if ('client' in outcome) return outcome.client;
  throw new Error(`expected a connection, was refused: ${outcome.message}`);
}

/** Resolves when the client's connection is gone. */
export function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => (client.connected ? client.once('close', () => resolve()) : resolve()));
}
