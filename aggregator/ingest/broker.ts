import { Aedes, type Client } from 'aedes';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { allAgents } from '../../protocol/topics.ts';
import type { Logger } from '../../protocol/log.ts';
import { brokerServer, checkExposure, type BrokerTlsFiles } from './broker-listen.ts';
import { createBrokerPolicy, type BrokerSecurityCounters } from './broker-policy.ts';
import { openCredentialStore, type ReloadResult } from './credentials-file.ts';
import type { Ingest } from './ingest.ts';
import type { IngestTransport } from './transport.ts';

export interface EmbeddedBrokerOptions {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly ingest: Ingest;
  readonly log: Logger;
  /** mosquitto-format password file; agents must log in with its passwords. Re-read on change and on reload(). */
  readonly credentialsFile?: string;
  /** Without credentials, a non-loopback host is refused unless this is set. */
  readonly allowAnonymous?: boolean;
  /** Serve `mqtts://` instead of `mqtt://`. */
  readonly tls?: BrokerTlsFiles;
}

export interface RunningBroker extends IngestTransport {
  readonly port: number;
  readonly counters: Readonly<BrokerSecurityCounters>;
  /** Re-reads the credentials file now (what SIGHUP does); clients whose entry went away are disconnected. */
  reload(): void;
}

/**
 * The embedded aedes broker. Policy lives in aedes' hooks (broker-policy.ts) and ingest is an in-process
 * subscription: no second MQTT client, no loopback hop, and so no credentials of its own. aedes sends the agent's
 * PUBACK before handing a QoS 1 message to subscribers, so the broker-level ack proves nothing here: the agent
 * keeps each batch until the end-to-end ack, which ingest sends only after the batch is stored.
 */
export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<RunningBroker> {
  const { log, ingest } = opts;
  const exposure = checkExposure(opts.host, opts.credentialsFile !== undefined, opts.allowAnonymous === true);
  const live = new Set<Client>();
  const credentials =
    opts.credentialsFile === undefined ? undefined : openCredentialStore(opts.credentialsFile, { log, onReload: (r) => afterReload(r) });
  const policy = createBrokerPolicy(log, credentials);

  /** A reload takes effect for connected clients too: whoever lost their entry is put out at once. */
  function afterReload(result: ReloadResult) {
    if (!result.ok) {
      policy.counters.credentialReloadErrors++;
      return;
    }
    const revoked = new Set(result.revoked);
    for (const client of live) {
      const agent = policy.agentOf(client);
      if (agent === undefined || !revoked.has(agent)) continue;
      policy.counters.clientsDisconnected++;
      log.warn(`disconnected agent ${agent}: removed from ${opts.credentialsFile} or its password changed`);
      client.close();
    }
  }

  let server;
  try {
    server = brokerServer((socket) => broker.handle(socket), opts.tls);
  } catch (err) {
    credentials?.close();
    throw err;
  }
  const broker = await Aedes.createBroker({ maxClientsIdLength: 128, ...policy.hooks });

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

  broker.on('client', (client) => live.add(client));
  broker.on('clientDisconnect', (client) => {
    live.delete(client);
    policy.sessions.gone(client);
  });
  // Traffic keeps an agent's hold on its id (agent-sessions.ts); aedes has no event for every packet, but an agent
  // always sends one of these within its keepalive.
  broker.on('publish', (_packet, client) => client && policy.sessions.heard(client));
  broker.on('ping', (_packet, client) => policy.sessions.heard(client));
  broker.on('ack', (_packet, client) => policy.sessions.heard(client));
  broker.on('clientError', (client, err) => {
    // A refused CONNECT was logged with its reason by the policy.
    if (!policy.wasRefused(client)) log.warn(`MQTT client ${client.id}: ${err.message}`);
  });

  server.on('tlsClientError', (err: Error & { code?: string; reason?: string }, socket: TLSSocket) => {
    policy.counters.tlsHandshakesFailed++;
    // A reset mid-handshake is the client walking away, most often because it does not trust our certificate.
    const why = err.code === 'ECONNRESET' ? "the client hung up (does it trust this broker's CA?)" : (err.reason ?? err.message);
    log.warn(`TLS handshake${socket.remoteAddress ? ` with ${socket.remoteAddress}` : ''} failed: ${why}`);
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, resolve);
    });
  } catch (err) {
    credentials?.close();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const scheme = opts.tls ? 'mqtts' : 'mqtt';
  log.info(`embedded MQTT broker listening on ${scheme}://${opts.host}:${port}${opts.tls?.clientCaFile ? ', client certificates required' : ''}`);
  if (exposure === 'anonymous-exposed') {
    log.warn(`no credentials and listening on ${opts.host} (--mqtt-allow-anonymous): anyone reaching this port can send data as any agent`);
  } else if (!credentials) {
    log.info('no credentials file: any local client may connect as any agent id, so only loopback is allowed (see --mqtt-credentials)');
  }

  return {
    port,
    counters: policy.counters,
    reload() {
      credentials?.reload();
    },
    async close() {
      credentials?.close();
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
