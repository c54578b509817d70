import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCredentialsFile } from '../../../aggregator/ingest/credentials-file.ts';
import { hashPassword } from '../../../aggregator/ingest/credentials.ts';
import { metricsTopic, topicFor } from '../../../protocol/topics.ts';
import { peer } from '../../helpers/peers.ts';
import { freePort } from '../../helpers/ports.ts';
import { eventually } from '../../helpers/process.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { connectAs, connected } from './broker-harness.ts';

const MOSQUITTO_DIR = fileURLToPath(new URL('../../../aggregator/ingest/mosquitto/', import.meta.url));
const PASSWORDS: Record<string, string> = { 'pi-1': 'pi-1-secret', 'pi-2': 'pi-2-secret', 'outpost-aggregator': 'ingest-secret' };

const mosquitto = peer('mosquitto', 'mosquitto');

/**
 * The shipped mosquitto.conf and acl, run by a real mosquitto with a password file written by Outpost's module:
 * one file for both brokers, and the same topic rules as the embedded broker.
 */
describe.skipIf(mosquitto === undefined)('the shipped mosquitto configuration', () => {
  let dir: ReturnType<typeof tempDir>;
  let child: ChildProcess;
  let url: string;
  const clients: MqttClient[] = [];

  const login = async (user: string) => {
    const client = connected(await connectAs(url, user, { password: PASSWORDS[user] as string }));
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    dir = tempDir('mosquitto-files');
    const passwd = join(dir.path, 'passwd');
    let text = '';
    for (const [user, password] of Object.entries(PASSWORDS)) text += `${user}:${await hashPassword(password)}\n`;
    writeCredentialsFile(passwd, text);
    const port = await freePort();
    const conf = readFileSync(join(MOSQUITTO_DIR, 'mosquitto.conf'), 'utf8')
      .replace('/etc/outpost/passwd', passwd)
      .replace('/etc/outpost/acl', join(MOSQUITTO_DIR, 'acl'))
      .replace('listener 1883 127.0.0.1', `listener ${port} 127.0.0.1`);
    // As root, mosquitto would switch to its own user, which cannot read this temp dir.
    writeFileSync(join(dir.path, 'mosquitto.conf'), `${conf}\nuser ${userInfo().username}\n`);
    child = spawn(mosquitto as string, ['-c', join(dir.path, 'mosquitto.conf')], { stdio: 'ignore' });
    url = `mqtt://127.0.0.1:${port}`;
    await eventually(async () => {
      const outcome = await connectAs(url, 'pi-1', { password: PASSWORDS['pi-1'] as string });
      if ('client' in outcome) outcome.client.end(true);
      return 'client' in outcome ? true : undefined;
    }, 10_000, 'mosquitto to accept pi-1');
  });

  afterAll(() => {
    for (const c of clients.splice(0)) c.end(true);
    if (child?.pid !== undefined) process.kill(child.pid, 'SIGTERM');
    dir.remove();
  });

  it('accepts the passwords Outpost hashed and refuses wrong or missing ones', async () => {
    await login('pi-2');
    expect(await connectAs(url, 'pi-1', { password: PASSWORDS['pi-2'] as string })).toMatchObject({ refused: 5 });
    expect(await connectAs(url, 'pi-3', { password: 'anything' })).toMatchObject({ refused: 5 });
    expect(await connectAs(url, 'pi-1', {})).toMatchObject({ refused: 5 });
  });

  it('lets an agent write only under its own id and read only its own acks; the ingest user reads all and acks', async () => {
    const ingest = await login('outpost-aggregator');
    const seen: string[] = [];
    ingest.on('message', (topic) => seen.push(topic));
    await ingest.subscribeAsync('outpost/v1/+/metrics/+', { qos: 1 });

    const pi1 = await login('pi-1');
    const pi2 = await login('pi-2');
    const acks: string[] = [];
    for (const c of [pi1, pi2]) c.on('message', (topic) => acks.push(`${c.options.username} ${topic}`));
    await pi1.subscribeAsync(topicFor('pi-1', 'ack'), { qos: 1 });
    // mosquitto grants any subscription and checks "read" on each delivery instead.
    await pi2.subscribeAsync(topicFor('pi-1', 'ack'), { qos: 1 });

    // MQTT 3.1.1 has no refusal for a publish: the forged one is acked by mosquitto and dropped.
    await pi1.publishAsync(metricsTopic('pi-2', 1), Buffer.from('forged'), { qos: 1 });
    await pi1.publishAsync(topicFor('pi-2', 'ack'), Buffer.from('forged'), { qos: 1 });
    await pi1.publishAsync(metricsTopic('pi-1', 1), Buffer.from('own'), { qos: 1 });
    await eventually(async () => (seen.length > 0 ? true : undefined), 5_000, 'the ingest user to get a batch');
    await ingest.publishAsync(topicFor('pi-1', 'ack'), Buffer.from('ack'), { qos: 1 });
    await eventually(async () => (acks.length > 0 ? true : undefined), 5_000, 'the ack');
    // Give a wrongly delivered message time to show up before looking.
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual([metricsTopic('pi-1', 1)]);
    expect(acks).toEqual([`pi-1 ${topicFor('pi-1', 'ack')}`]);
  });
});
