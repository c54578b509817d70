import type { IClientOptions } from 'mqtt';

/** MQTT 5, or 3.1.1 (mqtt.js' protocolVersion 4) for brokers without 5, such as the embedded aedes. */
export type MqttVersion = 4 | 5;

export const versionName = (version: MqttVersion): string => (version === 5 ? '5' : '3.1.1');

// CONNACK codes that mean "not this protocol version": MQTT 3.1.1 §3.2.2.3 (1) and MQTT 5 §3.2.2.2 (0x84).
const UNSUPPORTED_VERSION = new Set([1, 0x84]);

/**
 * The session part of a CONNECT. With `keepSec` the broker keeps the session (subscriptions, and QoS 1 messages
 * for it) across disconnects: for that long under MQTT 5 (Session Expiry Interval, §3.1.2.11.2), and under 3.1.1,
 * which has no expiry, until a clean session replaces it or the broker's own limit removes it. Without, the
 * session ends with the connection.
 */
export function sessionOptions(version: MqttVersion, keepSec: number | undefined): Pick<IClientOptions, 'protocolVersion' | 'clean' | 'properties'> {
  return {
    protocolVersion: version,
    clean: keepSec === undefined,
    ...(version === 5 ? { properties: { sessionExpiryInterval: keepSec ?? 0 } } : {}),
  };
}

/**
 * Which version a client asks for: 5 until a broker refuses it, then 3.1.1 for the rest of the process, so a
 * reconnect does not ask again. A refusal is a CONNACK naming the version (aedes 1.2 answers an MQTT 5 CONNECT
 * with 3.1.1's code 1, "Unacceptable protocol version"); a connection that fails otherwise keeps trying 5.
 */
export interface VersionChoice {
  current(): MqttVersion;
  /** True when `err` refused MQTT 5: the choice is now 3.1.1 and the caller opens a new connection at once. */
  refused(err: unknown): boolean;
}

export function versionChoice(start: MqttVersion = 5): VersionChoice {
  let version = start;
  return {
    current: () => version,
    refused(err) {
      const code = (err as { code?: unknown } | undefined)?.code;
      if (version !== 5 || typeof code !== 'number' || !UNSUPPORTED_VERSION.has(code)) return false;
      version = 4;
      return true;
    },
  };
}
