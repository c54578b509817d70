import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readAgentFile } from '../../agent/config/file.ts';
import { startEmbeddedBroker, type RunningBroker } from '../../aggregator/ingest/broker.ts';
import { readCredentialsFile } from '../../aggregator/ingest/credentials-file.ts';
import { addAgentCommand, removeAgentCommand } from '../../cli/enrol-command.ts';
import { parseFlags, type Command, type ParsedFlags } from '../../cli/flags.ts';
import { decodeAck } from '../../protocol/codec.ts';
import { metricsTopic, topicFor } from '../../protocol/topics.ts';
import { captureLog, closed, connectAs, connected, recordingIngest } from '../aggregator/ingest/broker-harness.ts';
import { eventually } from '../helpers/process.ts';
import { tempDir } from '../helpers/tmp.ts';

const run = async (command: Command, ...argv: string[]) => {
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await command.run(parseFlags(command, argv) as ParsedFlags);
    const text = (spy: typeof out) => spy.mock.calls.map(([t]) => String(t)).join('');
    return { stdout: text(out), stderr: text(err) };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
};

describe('outpost aggregator add-agent / remove-agent', () => {
  let dir: ReturnType<typeof tempDir>;
  let dataDir: string;
  let credentials: string;
  let broker: RunningBroker | undefined;
  beforeEach(() => {
    dir = tempDir('enrol');
    dataDir = join(dir.path, 'aggregator');
    credentials = join(dataDir, 'agents.passwd');
  });
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
    dir.remove();
  });

  const enrol = (agent: string, ...flags: string[]) =>
    run(addAgentCommand, '--data-dir', dataDir, '--advertise', 'mqtt://central.example:1883', '--out', join(dir.path, `bundle-${agent}`), ...flags, agent);

  it("writes the device's files, prints the config and one install line, and never shows the password", async () => {
    const { stdout, stderr } = await enrol('shop-17');
    const bundle = join(dir.path, 'bundle-shop-17');
    const password = readFileSync(join(bundle, 'agent.password'), 'utf8').trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(statSync(join(bundle, 'agent.password')).mode & 0o777).toBe(0o600);
    expect(statSync(bundle).mode & 0o777).toBe(0o700);
    expect(statSync(credentials).mode & 0o777).toBe(0o600);
    expect(readCredentialsFile(credentials).credentials.has('shop-17')).toBe(true);

    const config = readFileSync(join(bundle, 'agent.yaml'), 'utf8');
    expect(stdout).toContain(config);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe(
      'sudo /opt/outpost-agent/bin/outpost agent install --config bundle-shop-17/agent.yaml --password-file bundle-shop-17/agent.password && rm -r bundle-shop-17',
    );
    expect(`${stdout}${stderr}`).not.toContain(password);
    expect(stderr).toContain(`the aggregator must run with --mqtt-credentials ${credentials}`);
    // The device reads it as written, with its password file where install puts it.
    const onDevice = readAgentFile('agent.yaml', config.replace('/etc/outpost/agent.password', join(bundle, 'agent.password')));
    expect(onDevice).toMatchObject({ id: 'shop-17', brokerUrl: 'mqtt://central.example:1883', password, dataDir: '/var/lib/outpost' });
  });

  it('refuses to enrol twice or to overwrite a directory, unless --replace; a bad id or an unknown agent is named', async () => {
    await enrol('pi-1');
    const first = readCredentialsFile(credentials).credentials.get('pi-1');
    await expect(run(addAgentCommand, '--data-dir', dataDir, '--out', join(dir.path, 'again'), 'pi-1')).rejects.toThrow(/pi-1 is already enrolled in .*--replace/);
    // The directory made for the refused attempt is gone again.
    expect(existsSync(join(dir.path, 'again'))).toBe(false);
    await expect(enrol('pi-1')).rejects.toThrow(/bundle-pi-1 already exists: remove it or give --out/);
    const { stderr } = await run(addAgentCommand, '--data-dir', dataDir, '--out', join(dir.path, 'rotated'), '--replace', 'pi-1');
    expect(stderr).toContain('gave pi-1 a new password');
    expect(readCredentialsFile(credentials).credentials.get('pi-1')?.hash.equals(first?.hash ?? Buffer.alloc(0))).toBe(false);
    await expect(enrol('bad/id')).rejects.toThrow(/agent id "bad\/id": must be/);
    await expect(run(addAgentCommand, '--data-dir', dataDir, '--advertise', 'http://x', 'pi-2')).rejects.toThrow(/--advertise: expected mqtt:\/\//);
    await expect(run(removeAgentCommand, '--data-dir', dataDir, 'pi-9')).rejects.toThrow(`pi-9 is not enrolled in ${credentials}`);
  });

  it('lets the enrolled agent into the real embedded broker, and remove-agent puts it out at once', async () => {
    await enrol('shop-17');
    const password = readFileSync(join(dir.path, 'bundle-shop-17', 'agent.password'), 'utf8').trim();
    const log = captureLog();
    broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, ingest: recordingIngest(), log, credentialsFile: credentials });
    const url = `mqtt://127.0.0.1:${broker.port}`;

    const client = connected(await connectAs(url, 'shop-17', { password }));
    const acks: number[] = [];
    client.on('message', (_t, payload) => acks.push(decodeAck(payload).seq));
    await client.subscribeAsync(topicFor('shop-17', 'ack'), { qos: 1 });
    await client.publishAsync(metricsTopic('shop-17', 1), Buffer.from('batch'), { qos: 1 });
    await eventually(async () => (acks.includes(1) ? true : undefined), 5_000, 'the ack');

    // Enrolled while the broker runs: picked up without a restart.
    await enrol('shop-18');
    const second = readFileSync(join(dir.path, 'bundle-shop-18', 'agent.password'), 'utf8').trim();
    const shop18 = await eventually(async () => {
      const outcome = await connectAs(url, 'shop-18', { password: second });
      return 'client' in outcome ? outcome.client : undefined;
    }, 5_000, 'shop-18 let in');
    shop18.end(true);

    const gone = closed(client);
    await run(removeAgentCommand, '--data-dir', dataDir, 'shop-17');
    await gone;
    expect(log.lines).toContain(`warn disconnected agent shop-17: removed from ${credentials} or its password changed`);
    expect(await connectAs(url, 'shop-17', { password })).toMatchObject({ refused: 5 });
  });
});
