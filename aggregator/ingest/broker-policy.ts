import type { AedesOptions, Client } from 'aedes';
import type { Socket } from 'node:net';
import type { Logger } from '../../protocol/log.ts';
import { AGENT_ID_RULE, agentClientId, isValidAgentId, parseTopic, topicFor } from '../../protocol/topics.ts';
import { createAgentSessions, type AgentSessions } from './agent-sessions.ts';
import type { CredentialStore } from './credentials-file.ts';
import { verifyPassword } from './credentials.ts';

/** Everything the broker refused, by kind, so the aggregator can expose it; each refusal is also logged. */
export interface BrokerSecurityCounters {
  /** TLS handshakes that failed: no or an untrusted client certificate, plain MQTT on the TLS port, or a client
   * that hung up (usually because it does not trust the broker's certificate). */
  tlsHandshakesFailed: number;
  connectsRefused: number;
  publishesRefused: number;
  subscriptionsRefused: number;
  /** Sessions ended because a reload removed their user or changed its password. */
  clientsDisconnected: number;
  credentialReloadErrors: number;
}

export interface BrokerPolicy {
  readonly hooks: Required<Pick<AedesOptions, 'preConnect' | 'authenticate' | 'authorizePublish' | 'authorizeSubscribe'>>;
  /** Who holds each agent id; the broker reports traffic and disconnects to it (agent-sessions.ts). */
  readonly sessions: AgentSessions<Client>;
  /** The agent a connected client authenticated as. */
  agentOf(client: Client): string | undefined;
  /** True for a client refused at CONNECT (its connection error is already logged). */
  wasRefused(client: Client): boolean;
  readonly counters: BrokerSecurityCounters;
}

// MQTT 3.1.1 §3.2.2.3 CONNACK return codes.
const IDENTIFIER_REJECTED = 2;
const SERVER_UNAVAILABLE = 3;
const BAD_USER_NAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

/**
 * The embedded broker's rules as aedes hooks. Identity is the MQTT user name, which must be a valid agent id.
 * With a credential store the password must match its entry, and the client id must be the agent's own: a
 * persistent session is keyed by client id and aedes restores its subscriptions without asking
 * authorizeSubscribe, so a free choice of client id would let one agent take over another's session and read its
 * acks. An agent may publish only under outpost/v1/<its id>/ (never an ack; a refused publish closes the
 * connection, as MQTT 3.1.1 has no negative PUBACK) and subscribe only to its own acks. An id already held by a
 * live connection is refused to a second one (agent-sessions.ts), with or without credentials.
 */
export function createBrokerPolicy(log: Logger, credentials?: CredentialStore, now: () => number = Date.now): BrokerPolicy {
  const identity = new WeakMap<Client, string>();
  const refused = new WeakSet<Client>();
  const keepalive = new WeakMap<Client, number>();
  const sessions = createAgentSessions<Client>(now);
  const counters: BrokerSecurityCounters = {
    tlsHandshakesFailed: 0,
    connectsRefused: 0,
    publishesRefused: 0,
    subscriptionsRefused: 0,
    clientsDisconnected: 0,
    credentialReloadErrors: 0,
  };

  // The only hook that sees the CONNECT packet: its keepalive says how long this client may stay silent.
  const preConnect: BrokerPolicy['hooks']['preConnect'] = (client, packet, done) => {
    keepalive.set(client, packet.keepalive ?? 0);
    done(null, true);
  };

  const authenticate: BrokerPolicy['hooks']['authenticate'] = (client, username, password, done) => {
    const who = `MQTT client ${JSON.stringify(client.id)} from ${addressOf(client)}${username === undefined ? '' : ` as ${JSON.stringify(username.slice(0, 80))}`}`;
    const refuse = (returnCode: number, why: string) => {
      counters.connectsRefused++;
      refused.add(client);
      log.warn(`refused ${who}: ${why}`);
      done(Object.assign(new Error(why), { returnCode }), false);
    };
    if (username === undefined || !isValidAgentId(username)) {
      return refuse(BAD_USER_NAME_OR_PASSWORD, `the user name must be the agent id (${AGENT_ID_RULE})`);
    }
    const admit = (agent: string) => {
      const decision = sessions.admit(agent, client, addressOf(client), keepalive.get(client) ?? 0);
      if (decision.kind === 'refuse') {
        const { holder, silentMs } = decision;
        return refuse(
          IDENTIFIER_REJECTED,
          `agent ${agent} is already connected from ${holder.address} (last heard from ${seconds(silentMs)} s ago); another device uses the same id — ` +
            `set a unique id in that device's /etc/outpost/agent.yaml (a device that only lost its link gets back in once the old connection ` +
            `has been silent for ${seconds(sessions.silenceLimitMs(holder.keepaliveSec))} s)`,
        );
      }
      if (decision.kind === 'take-over') {
        const { previous, silentMs } = decision;
        log.info(`agent ${agent} reconnected from ${addressOf(client)}; its previous connection from ${previous.address}, silent for ${seconds(silentMs)} s, is closed`);
        previous.client.close();
      }
      identity.set(client, agent);
      done(null, true);
    };
    if (!credentials) return admit(username);
    if (client.id !== agentClientId(username)) {
      return refuse(IDENTIFIER_REJECTED, `agent ${username} must connect with client id ${agentClientId(username)}`);
    }
    if (password === undefined || password.length === 0) return refuse(NOT_AUTHORIZED, 'no password given');
    const entry = credentials.lookup(username);
    verifyPassword(entry, password).then(
      (ok) => {
        if (!entry) return refuse(NOT_AUTHORIZED, `unknown user: not in ${credentials.file}`);
        if (!ok) return refuse(NOT_AUTHORIZED, 'wrong password');
        // A reload while the hash was computed may have revoked this very entry.
        if (credentials.lookup(username) !== entry) return refuse(NOT_AUTHORIZED, 'credentials changed during the check');
        admit(username);
      },
      (err: Error) => refuse(SERVER_UNAVAILABLE, `password check failed: ${err.message}`),
    );
  };

  const authorizePublish: BrokerPolicy['hooks']['authorizePublish'] = (client, packet, done) => {
    const topic = parseTopic(packet.topic);
    // A null client is aedes re-publishing the Will of a session that is already gone.
    const who = client ? identity.get(client) : topic?.agent;
    if (!topic || topic.agent !== who || topic.kind === 'ack') {
      counters.publishesRefused++;
      log.warn(`refused publish to ${packet.topic} by ${who ?? 'unknown client'}: agents publish only under their own id`);
      return done(new Error('not authorized'));
    }
    return done(null);
  };

  const authorizeSubscribe: BrokerPolicy['hooks']['authorizeSubscribe'] = (client, sub, done) => {
    const who = identity.get(client);
    if (who !== undefined && sub.topic === topicFor(who, 'ack')) return done(null, sub);
    counters.subscriptionsRefused++;
    log.warn(`refused subscription to ${sub.topic} by ${who ?? 'unknown client'}: agents read only their own acks`);
    // No subscription: SUBACK carries 0x80 for this topic (MQTT 3.1.1 §3.9.3) and the connection stays up.
    return done(null, null);
  };

  return {
    hooks: { preConnect, authenticate, authorizePublish, authorizeSubscribe },
    sessions,
    agentOf: (client) => identity.get(client),
    wasRefused: (client) => refused.has(client),
    counters,
  };
}

const seconds = (ms: number) => Math.round(ms / 1000);

function addressOf(client: Client): string {
  return (client.conn as Partial<Socket>).remoteAddress ?? 'unknown address';
}
