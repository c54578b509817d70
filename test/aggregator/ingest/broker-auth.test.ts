import type { MqttClient } from 'mqtt';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BrokerSetupError, isLoopback } from '../../../aggregator/ingest/broker-listen.ts';
import { startEmbeddedBroker, type RunningBroker } from '../../../aggregator/ingest/broker.ts';
import { hashPassword } from '../../../aggregator/ingest/credentials.ts';
import { decodeAck } from '../../../protocol/codec.ts';
import { metricsTopic, topicFor } from '../../../protocol/topics.ts';
import { eventually } from '../../helpers/process.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { captureLog, closed, connectAs, connected, recordingIngest } from './broker-harness.ts';

const PASSWORDS = { 'pi-1': 'first-secret-1', 'pi-2': 'second-secret-2', 'pi-3': 'third-secret-3' } as const;
type Agent = keyof typeof PASSWORDS;

/** Each agent's line, hashed once: rewriting an unchanged agent with a new salt would count as a password change. */
const LINES = new Map<Agent, string>();

function credentialsText(agents: readonly Agent[]): string {
  return `# test agents\n${agents.map((a) => LINES.get(a)).join('\n')}\n`;
}

describe('embedded broker with a credentials file', () => {
  beforeAll(async () => {
    // Few iterations: the format is the same and the tests stay fast.
    for (const agent of Object.keys(PASSWORDS) as Agent[]) LINES.set(agent, `${agent}:${await hashPassword(PASSWORDS[agent], 10)}`);
  });

  let dir: ReturnType<typeof tempDir>;
  let file: string;
  let log: ReturnType<typeof captureLog>;
  let ingest: ReturnType<typeof recordingIngest>;
  let broker: RunningBroker;
  let url: string;
  const clients: MqttClient[] = [];

  const login = async (agent: Agent, password: string = PASSWORDS[agent]) => {
    const client = connected(await connectAs(url, agent, { password }));
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    dir = tempDir('broker-auth');
    file = join(dir.path, 'passwd');
    writeFileSync(file, credentialsText(['pi-1', 'pi-2']));
    log = captureLog();
    ingest = recordingIngest();
    broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, ingest, log, credentialsFile: file });
    url = `mqtt://127.0.0.1:${broker.port}`;
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.end(true);
    await broker.close();
    dir.remove();
  });

  it('lets a listed agent in with its password to publish its batch and read its ack', async () => {
    const client = await login('pi-1');
    const acks: number[] = [];
    client.on('message', (_topic, payload) => acks.push(decodeAck(payload).seq));
    await client.subscribeAsync(topicFor('pi-1', 'ack'), { qos: 1 });
    await client.publishAsync(metricsTopic('pi-1', 7), Buffer.from('batch'), { qos: 1 });
    await eventually(async () => (acks.length > 0 ? true : undefined), 5_000, 'the ack');
    expect(acks).toEqual([7]);
    expect(ingest.topics).toEqual([metricsTopic('pi-1', 7)]);
    expect(log.lines.find((l) => l.startsWith('info agents must log in'))).toBe(`info agents must log in: 2 users in ${file}`);
    expect(broker.counters).toEqual({ tlsHandshakesFailed: 0, connectsRefused: 0, publishesRefused: 0, subscriptionsRefused: 0, clientsDisconnected: 0, credentialReloadErrors: 0 });
  });

  it('refuses a wrong password, an unknown user, no password, a bad user name and a borrowed client id, never logging a password', async () => {
    const attempts = [
      { agent: 'pi-1', opts: { password: PASSWORDS['pi-2'] }, code: 5, why: 'wrong password' },
      { agent: 'pi-3', opts: { password: PASSWORDS['pi-3'] }, code: 5, why: `unknown user: not in ${file}` },
      { agent: 'pi-1', opts: {}, code: 5, why: 'no password given' },
      { agent: 'pi-1', opts: { password: '' }, code: 5, why: 'no password given' },
      { agent: 'bad/name', opts: { password: 'x' }, code: 4, why: 'the user name must be the agent id' },
      { agent: 'pi-1', opts: { password: PASSWORDS['pi-1'], clientId: 'outpost-agent-pi-2' }, code: 2, why: 'agent pi-1 must connect with client id outpost-agent-pi-1' },
    ];
    for (const { agent, opts, code, why } of attempts) {
      const outcome = await connectAs(url, agent, opts);
      expect(outcome, why).toMatchObject({ refused: code });
      expect(log.lines.at(-1), why).toMatch(/^warn refused MQTT client ".+" from 127\.0\.0\.1 as ".+": /);
      expect(log.lines.at(-1), why).toContain(why);
    }
    expect(broker.counters.connectsRefused).toBe(attempts.length);
    const all = log.lines.join('\n');
    for (const secret of Object.values(PASSWORDS)) expect(all).not.toContain(secret);
    // Each refusal is one line: aedes' own connection error is not logged a second time.
    expect(log.lines.filter((l) => l.startsWith('warn')).length).toBe(attempts.length);
  });

  it("refuses a publish under another agent's id: logged, counted, connection closed, nothing ingested", async () => {
    const client = await login('pi-1');
    const gone = closed(client);
    client.publish(metricsTopic('pi-2', 1), Buffer.from('forged'), { qos: 1 });
    await gone;
    expect(log.lines).toContain(`warn refused publish to ${metricsTopic('pi-2', 1)} by pi-1: agents publish only under their own id`);
    expect(broker.counters.publishesRefused).toBe(1);
    // Nor may an agent forge the aggregator's acks, even its own.
    const again = await login('pi-1');
    const goneAgain = closed(again);
    again.publish(topicFor('pi-1', 'ack'), Buffer.from('forged'), { qos: 1 });
    await goneAgain;
    expect(broker.counters.publishesRefused).toBe(2);
    expect(ingest.topics.filter((t) => t.includes('/metrics/'))).toEqual([]);
  });

  it("answers a subscription to another agent's acks with SUBACK 0x80 and keeps the connection", async () => {
    const client = await login('pi-1');
    await expect(client.subscribeAsync(topicFor('pi-2', 'ack'), { qos: 1 })).rejects.toMatchObject({ packet: { granted: [0x80] } });
    await expect(client.subscribeAsync('outpost/v1/+/ack', { qos: 1 })).rejects.toMatchObject({ packet: { granted: [0x80] } });
    expect(client.connected).toBe(true);
    expect(log.lines).toContain(`warn refused subscription to ${topicFor('pi-2', 'ack')} by pi-1: agents read only their own acks`);
    expect(broker.counters.subscriptionsRefused).toBe(2);
    await client.subscribeAsync(topicFor('pi-1', 'ack'), { qos: 1 });
  });

  it('follows the file: an added agent gets in, a removed one is disconnected at once', async () => {
    const pi1 = await login('pi-1');
    const pi2 = await login('pi-2');
    const pi1Gone = closed(pi1);
    writeFileSync(file, credentialsText(['pi-2', 'pi-3']));
    await pi1Gone;
    expect(log.lines).toContain(`warn disconnected agent pi-1: removed from ${file} or its password changed`);
    expect(broker.counters.clientsDisconnected).toBe(1);
    expect(pi2.connected).toBe(true);
    expect(await connectAs(url, 'pi-1', { password: PASSWORDS['pi-1'] })).toMatchObject({ refused: 5 });
    await login('pi-3');
  });

  it('ends the session of an agent whose password changed; then only the new password works', async () => {
    const pi1 = await login('pi-1');
    const pi1Gone = closed(pi1);
    writeFileSync(file, `${credentialsText(['pi-2'])}pi-1:${await hashPassword('rotated-secret', 10)}\n`);
    broker.reload();
    await pi1Gone;
    expect(broker.counters.clientsDisconnected).toBe(1);
    expect(await connectAs(url, 'pi-1', { password: PASSWORDS['pi-1'] })).toMatchObject({ refused: 5 });
    await login('pi-1', 'rotated-secret');
  });

  it('keeps the old credentials when the changed file is invalid, and says where the mistake is', async () => {
    const pi1 = await login('pi-1');
    writeFileSync(file, `${credentialsText(['pi-3'])}pi-1:$7$101$not-base64$x\n`);
    broker.reload();
    expect(broker.counters.credentialReloadErrors).toBeGreaterThanOrEqual(1);
    expect(log.lines.at(-1)).toBe(`error credentials not reloaded, the 2 users loaded before stay in force: ${file}:3: the salt must be 12 bytes in base64`);
    expect(pi1.connected).toBe(true);
    await login('pi-2');
    expect(await connectAs(url, 'pi-3', { password: PASSWORDS['pi-3'] })).toMatchObject({ refused: 5 });
  });
});

describe('embedded broker without credentials', () => {
  it('keeps to loopback unless anonymous access is explicitly allowed, and says so', async () => {
    const log = captureLog();
    const ingest = recordingIngest();
    await expect(startEmbeddedBroker({ host: '0.0.0.0', port: 0, ingest, log })).rejects.toThrow(BrokerSetupError);
    await expect(startEmbeddedBroker({ host: '0.0.0.0', port: 0, ingest, log })).rejects.toThrow(/refusing to listen on 0\.0\.0\.0 without credentials.*--mqtt-allow-anonymous/);
    const open = await startEmbeddedBroker({ host: '0.0.0.0', port: 0, ingest, log, allowAnonymous: true });
    await open.close();
    expect(log.lines).toContain('warn no credentials and listening on 0.0.0.0 (--mqtt-allow-anonymous): anyone reaching this port can send data as any agent');
    const local = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, ingest, log });
    try {
      expect(log.lines.at(-1)).toMatch(/^info no credentials file: .* only loopback is allowed/);
      // Identity is still the user name and the ACL still applies; any password (or none) is accepted.
      const outcome = await connectAs(`mqtt://127.0.0.1:${local.port}`, 'pi-9', { clientId: 'anything' });
      connected(outcome).end(true);
    } finally {
      await local.close();
    }
  });

  it('treats only loopback addresses as loopback', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', 'localhost', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) expect(isLoopback(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'aggregator.local', '::2', '128.0.0.1']) expect(isLoopback(host), host).toBe(false);
  });
});
