/**
 * One live connection per agent id. Two devices configured with the same id (a cloned SD card, two hosts both
 * called "raspberrypi") would otherwise take turns: MQTT lets a new connection with a client id take over the old
 * one (MQTT 3.1.1 §3.1.4-2), each device would knock the other off on every reconnect, and their samples would
 * interleave under one `instance` label.
 *
 * The rule: a new connection for an id is refused while the connection holding it is alive, that is heard from
 * (any packet: a batch, a PUBACK, a PINGREQ) within 1.5 times its keepalive, the span after which MQTT itself
 * declares a silent client dead ([MQTT-3.1.2-24]). A silent one is presumed dead and is taken over. So a device
 * that lost its link and reconnects before the broker noticed is never locked out: at worst it waits until the old
 * connection's keepalive runs out (45 s with the agent's 30 s), and a closed connection frees the id at once.
 * A second device never gets in, because the first answers its keepalives.
 */
export interface SessionHolder {
  /** Set by aedes once the connection is closed. */
  readonly closed: boolean;
}

export interface LiveSession<C extends SessionHolder> {
  readonly client: C;
  readonly address: string;
  readonly keepaliveSec: number;
  readonly lastHeardMs: number;
}

export type AdmitDecision<C extends SessionHolder> =
  | { readonly kind: 'admit' }
  /** The previous connection went silent past its keepalive: the caller closes it and lets the new one in. */
  | { readonly kind: 'take-over'; readonly previous: LiveSession<C>; readonly silentMs: number }
  | { readonly kind: 'refuse'; readonly holder: LiveSession<C>; readonly silentMs: number };

export interface AgentSessions<C extends SessionHolder> {
  /** Decides on a connection that has authenticated as `agent`; an admitted one holds the id from now on. */
  admit(agent: string, client: C, address: string, keepaliveSec: number): AdmitDecision<C>;
  /** Any packet from the client proves its connection alive. */
  heard(client: C): void;
  /** The client's connection ended; frees its id unless another connection holds it by now. */
  gone(client: C): void;
  /** How long a connection with this keepalive may stay silent before it counts as dead. */
  silenceLimitMs(keepaliveSec: number): number;
}

/** A client that asked for no keepalive (0) is given this much silence before it counts as dead. */
const NO_KEEPALIVE_SEC = 60;

export function createAgentSessions<C extends SessionHolder>(now: () => number = Date.now): AgentSessions<C> {
  const byAgent = new Map<string, LiveSession<C>>();
  const agentOf = new WeakMap<C, string>();
  const silenceLimitMs = (keepaliveSec: number) => (keepaliveSec > 0 ? keepaliveSec : NO_KEEPALIVE_SEC) * 1500;

  return {
    silenceLimitMs,
    admit(agent, client, address, keepaliveSec) {
      const t = now();
      const holder = byAgent.get(agent);
      const hold = () => {
        byAgent.set(agent, { client, address, keepaliveSec, lastHeardMs: t });
        agentOf.set(client, agent);
      };
      if (!holder || holder.client.closed || holder.client === client) {
        hold();
        return { kind: 'admit' };
      }
      const silentMs = t - holder.lastHeardMs;
      if (silentMs <= silenceLimitMs(holder.keepaliveSec)) return { kind: 'refuse', holder, silentMs };
      hold();
      return { kind: 'take-over', previous: holder, silentMs };
    },
    heard(client) {
      const agent = agentOf.get(client);
      const session = agent === undefined ? undefined : byAgent.get(agent);
      if (agent !== undefined && session?.client === client) byAgent.set(agent, { ...session, lastHeardMs: now() });
    },
    gone(client) {
      const agent = agentOf.get(client);
      if (agent !== undefined && byAgent.get(agent)?.client === client) byAgent.delete(agent);
    },
  };
}
