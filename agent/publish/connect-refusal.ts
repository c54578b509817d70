/**
 * What a refused CONNECT means for this agent, worded as what to do. mqtt.js reports the CONNACK code as the
 * error's `code`: MQTT 3.1.1 return codes (§3.2.2.3) from the embedded broker, MQTT 5 reason codes (§3.2.2.2)
 * from mosquitto. Undefined for other errors, which are logged as they come.
 */
export function connectRefusal(err: unknown, agent: string, keepaliveSec: number): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'number') return undefined;
  switch (code) {
    case 2: // identifier rejected
    case 0x85: // client identifier not valid
      return (
        `the broker refused agent id ${agent}: it is already connected elsewhere (the aggregator's log names the address); ` +
        `another device uses the same id — set a unique id in /etc/outpost/agent.yaml (agent.id). If this device only lost its ` +
        `link, it gets back in once the old connection has been silent for ${Math.round(keepaliveSec * 1.5)} s`
      );
    case 4: // bad user name or password
    case 5: // not authorized
    case 0x86: // bad user name or password
    case 0x87: // not authorized
      return (
        `the broker refused agent ${agent}'s password: enrol it on the aggregator (outpost aggregator add-agent ${agent}) ` +
        'and install the password file it writes (agent.password_file, mode 0600)'
      );
    default:
      return undefined;
  }
}
