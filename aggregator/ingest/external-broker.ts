import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type IConnackPacket, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from '../../protocol/log.ts';
import { sessionOptions, versionChoice, versionName, type MqttVersion } from '../../protocol/mqtt-session.ts';
import { allAgents } from '../../protocol/topics.ts';
import { BrokerSetupError } from './broker-listen.ts';
import type { Ingest } from './ingest.ts';
import type { IngestTransport } from './transport.ts';

/** PEM file paths for an `mqtts://` broker; without caFile the system's CAs are trusted. */
export interface ClientTlsFiles {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  /** The name the broker's certificate must carry, when it differs from the URL's host. */
  readonly serverName?: string;
}

/** The aggregator as a client of a broker the site runs (mosquitto 2): `--mqtt-broker` and its companions. */
export interface ExternalBrokerConfig {
  readonly url: string;
  /** The ingest user of the shipped ACL (aggregator/ingest/mosquitto/acl). */
  readonly username: string;
  readonly password?: string;
  readonly tls?: ClientTlsFiles;
  /** Keys the broker-side session: one aggregator, one id. Workers of a shared group each need their own. */
  readonly clientId: string;
  /** Workers with the same group split the agents' batches between them (MQTT 5 shared subscription). */
  readonly sharedGroup?: string;
  /** How long the broker keeps this client's session, and so queues its batches, while it is away. */
  readonly sessionExpirySec: number;
  readonly keepaliveSec: number;
  readonly reconnectMs: number;
}

export const DEFAULT_EXTERNAL_BROKER = {
  username: 'outpost-aggregator',
  clientId: 'outpost-aggregator',
  // Agents keep every batch until it is acked, so a day of broker-side queue only saves them resending.
  sessionExpirySec: 86_400,
  keepaliveSec: 30,
  reconnectMs: 1_000,
} as const;

export interface ExternalBrokerCounters {
  messagesReceived: number;
  acksPublished: number;
  connects: number;
}

export interface ExternalBrokerClient extends IngestTransport {
  readonly counters: Readonly<ExternalBrokerCounters>;
  /** 5, or 4 (3.1.1) when the broker refused MQTT 5. */
  protocolVersion(): MqttVersion;
}

// Refusals the operator fixes in the configuration: bad user name or password, not authorized, bad client id.
const REFUSED_LOGIN = new Set([2, 4, 5, 0x85, 0x86, 0x87, 0x8c]);

/** The subscriptions: batches (shared between a group's workers), and every agent's status for the registry. */
function ingestSubscriptions(group: string | undefined): { metrics: string; status: string } {
  return { metrics: group === undefined ? allAgents('metrics') : `$share/${group}/${allAgents('metrics')}`, status: allAgents('status') };
}

/**
 * Ingest through an external broker. Messages are handled one at a time through mqtt.js' `handleMessage`, whose
 * callback is what sends the PUBACK: so the broker's QoS 1 delivery completes only after the batch is stored, and a
 * batch in hand when this process dies is delivered again (to this session, or after the agent's ack timeout to
 * whichever worker gets the resend). Resolves once connected; a refused login or an unreadable TLS file rejects
 * with a BrokerSetupError, while an unreachable broker is retried every `reconnectMs`.
 */
export async function connectExternalBroker(config: ExternalBrokerConfig, ingest: Ingest, log: Logger): Promise<ExternalBrokerClient> {
  const counters: ExternalBrokerCounters = { messagesReceived: 0, acksPublished: 0, connects: 0 };
  const subscriptions = ingestSubscriptions(config.sharedGroup);
  // A shared group's worker keeps no session: the broker would go on queueing its share while it is down
  // (mosquitto does), delaying those batches and storing them again after the agents resent them elsewhere.
  const persistent = config.sharedGroup === undefined;
  const tls = readTls(config.tls);
  const version = versionChoice();
  let client: MqttClient;
  let closing = false;
  // Bumped on every lost connection: an answer for a message of an old connection must not PUBACK on a new one,
  // where the broker may have reused its packet id.
  let connection = 0;
  let current: Promise<void> = Promise.resolve();
  let up = false;
  let settled = false;
  let settle: (err?: Error) => void = () => {};
  const connected = new Promise<void>((resolve, reject) => {
    settle = (err) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve();
    };
  });

  function handle(packet: IPublishPacket, done: () => void) {
    if (closing) return; // no PUBACK: the broker keeps it for the next session, or the agent resends it
    const mine = connection;
    counters.messagesReceived++;
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    current = ingest
      .handle(packet.topic, payload)
      .then((reply) => {
        if (!reply) return;
        counters.acksPublished++;
        client.publish(reply.topic, Buffer.from(reply.payload), { qos: 1 }, (err) => {
          if (err && !closing) log.warn(`could not send ack on ${reply.topic}: ${err.message}`);
        });
      })
      // Ingest answers every failure with a reply; should it throw anyway, the agent's ack timeout resends.
      .catch((err: Error) => log.error(`ingest failed on ${packet.topic}: ${err.message}`))
      .finally(() => {
        if (mine === connection) done();
      });
  }

  async function subscribe(c: MqttClient) {
    try {
      const granted = await c.subscribeAsync([subscriptions.metrics, subscriptions.status], { qos: 1 });
      const refused = granted.filter((g) => g.qos > 2);
      if (refused.length > 0) log.error(`broker refused ${refused.map((g) => g.topic).join(', ')}: check the ACL of user ${config.username}`);
    } catch (err) {
      log.error(`cannot subscribe at ${config.url}: ${(err as Error).message}`);
    }
  }

  function open(): MqttClient {
    const options: IClientOptions = {
      clientId: config.clientId,
      username: config.username,
      ...(config.password !== undefined ? { password: config.password } : {}),
      ...tls,
      ...sessionOptions(version.current(), persistent ? config.sessionExpirySec : undefined),
      keepalive: config.keepaliveSec,
      reconnectPeriod: config.reconnectMs,
      // After a first good login, a refusal (a password changed at the broker) is retried rather than final.
      reconnectOnConnackError: true,
      connectTimeout: 10_000,
      resubscribe: false, // we subscribe when the broker has no session for us, see 'connect'
    };
    const c = mqtt.connect(config.url, options);
    c.handleMessage = handle;
    c.on('connect', (connack: IConnackPacket) => {
      up = true;
      counters.connects++;
      log.info(`ingesting from ${config.url} as ${config.username} (MQTT ${versionName(version.current())}, ${sessionText(connack)})`);
      if (!connack.sessionPresent) void subscribe(c).then(() => settle());
      else settle();
    });
    c.on('close', () => {
      if (c !== client) return;
      connection++;
      if (closing) return;
      if (!settled) {
        // The HTTP API serves what is stored meanwhile; agents keep their batches until ingest is back.
        log.warn(`cannot reach the broker at ${config.url}; retrying every ${config.reconnectMs / 1000} s`);
        settle();
      } else if (up) {
        log.warn(`lost the broker at ${config.url}; reconnecting every ${config.reconnectMs / 1000} s`);
      }
      up = false;
    });
    c.on('error', (err: Error & { code?: unknown }) => {
      if (c !== client) return;
      const code = typeof err.code === 'number' ? err.code : undefined;
      if (version.refused(err)) {
        log.info(`${config.url} does not speak MQTT 5; using 3.1.1 (no session expiry: the broker keeps the session until it is cleaned)`);
        c.end(true);
        client = open();
        return;
      }
      if (code !== undefined && REFUSED_LOGIN.has(code) && !settled) {
        c.end(true);
        settle(new BrokerSetupError(`${config.url} refused user ${config.username}: ${err.message}. Check --mqtt-broker-username and --mqtt-broker-password-file`));
        return;
      }
      log.warn(`MQTT broker ${config.url}: ${err.message}`);
    });
    return c;
  }

  client = open();
  await connected;

  return {
    counters,
    protocolVersion: () => version.current(),
    reload() {
      log.info(`the broker at ${config.url} holds the agents' credentials: reload it there (mosquitto: kill -HUP)`);
    },
    async close() {
      closing = true;
      await current;
      await client.endAsync();
    },
  };

  function sessionText(connack: IConnackPacket): string {
    if (!persistent) return `shared group ${config.sharedGroup}, no session kept`;
    return connack.sessionPresent ? 'resumed its session' : 'new session';
  }
}

/** Read once at start: a renewed certificate takes effect on the next start. */
function readTls(tls: ClientTlsFiles | undefined): Partial<IClientOptions> {
  if (!tls) return {};
  const read = (file: string | undefined, flag: string) => {
    if (file === undefined) return undefined;
    try {
      return readFileSync(file);
    } catch (err) {
      throw new BrokerSetupError(`${flag} ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  };
  const ca = read(tls.caFile, '--mqtt-broker-tls-ca');
  const cert = read(tls.certFile, '--mqtt-broker-tls-cert');
  const key = read(tls.keyFile, '--mqtt-broker-tls-key');
  return {
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(tls.serverName !== undefined ? { servername: tls.serverName } : {}),
    rejectUnauthorized: true,
  };
}
