import { Aedes, type Client } from 'aedes';
import { createServer, type AddressInfo } from 'node:net';
import { allAgents, AGENT_ID_RULE, isValidAgentId, parseTopic, topicFor } from '../../protocol/topics.ts';
import type { Logger } from '../../protocol/log.ts';
import type { Ingest } from './ingest.ts';

export interface EmbeddedBrokerOptions {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly ingest: Ingest;
  readonly log: Logger;
}

export interface RunningBroker {
  readonly port: number;
  close(): Promise<void>;
}

/** MQTT CONNACK return code 4 (3.1.1 §3.2.2.3): bad user name or password. */
const BAD_CREDENTIALS = 4;

/**
 * The embedded aedes broker. Policy lives in aedes' hooks (authenticate, authorizePublish, authorizeSubscribe)
 * and ingest is an in-process subscription: no second MQTT client, no loopback hop.
 * An agent's identity is its MQTT user name; it may publish only under outpost/v1/<that id>/ and subscribe
 * only to its own ack topic.
 */
export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<RunningBroker> {
  const { log, ingest } = opts;
  const identity = new WeakMap<Client, string>();
  const broker = await Aedes.createBroker({
    maxClientsIdLength: 128,
    authenticate(client, username, _password, done) {
      if (username === undefined || !isValidAgentId(username)) {
        log.warn(`refused MQTT client ${client.id}: the user name must be the agent id (${AGENT_ID_RULE})`);
        const err = Object.assign(new Error('bad user name'), { returnCode: BAD_CREDENTIALS });
        return done(err, false);
      }
      identity.set(client, username);
      return done(null, true);
    },
    authorizePublish(client, packet, done) {
      const topic = parseTopic(packet.topic);
      // A null client is aedes re-publishing the Will of a session that is already gone.
      const who = client ? identity.get(client) : topic?.agent;
      if (!topic || topic.agent !== who || topic.kind === 'ack') {
        log.warn(`refused publish to ${packet.topic} by ${who ?? 'unknown client'}: agents publish only under their own id`);
        return done(new Error('not authorized'));
      }
      return done(null);
    },
    authorizeSubscribe(client, sub, done) {
      const who = identity.get(client);
      if (who !== undefined && sub.topic === topicFor(who, 'ack')) return done(null, sub);
      log.warn(`refused subscription to ${sub.topic} by ${who ?? 'unknown client'}: agents read only their own acks`);
      return done(new Error('not authorized'));
    },
  });

  const deliver = (packet: { topic: string; payload: Buffer | string }, done: () => void) => {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    ingest
      .handle(packet.topic, payload)
      .then((reply) => {
        if (reply) {
          broker.publish(
            { cmd: 'publish', topic: reply.topic, payload: Buffer.from(reply.payload), qos: 1, retain: false, dup: false },
            (err) => err && log.error(`could not send ack on ${reply.topic}: ${err.message}`),
          );
        }
      })
      .finally(done);
  };
  await new Promise<void>((resolve) => broker.subscribe(allAgents('metrics'), deliver, resolve));
  await new Promise<void>((resolve) => broker.subscribe(allAgents('status'), deliver, resolve));

  broker.on('clientError', (client, err) => log.warn(`MQTT client ${client.id}: ${err.message}`));

  const server = createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  log.info(`embedded MQTT broker listening on ${opts.host}:${port}`);

  return {
    port,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
