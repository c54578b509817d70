import type { MqttClient } from 'mqtt';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { memoryQueue } from '../../../agent/buffer/memory-queue.ts';
import { startPublisher, type BrokerClientTls } from '../../../agent/publish/publisher.ts';
import { BrokerSetupError } from '../../../aggregator/ingest/broker-listen.ts';
import { startEmbeddedBroker, type RunningBroker } from '../../../aggregator/ingest/broker.ts';
import { hashPassword } from '../../../aggregator/ingest/credentials.ts';
import { peer } from '../../helpers/peers.ts';
import { eventually } from '../../helpers/process.ts';
import { makeTestPki, type TestPki } from '../../helpers/tls.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { captureLog, connectAs, connected, recordingIngest } from './broker-harness.ts';

const openssl = peer('openssl', 'openssl');
const PASSWORD = 'tls-test-secret';

describe.skipIf(openssl === undefined)('embedded broker over TLS (mqtts://)', () => {
  let dir: ReturnType<typeof tempDir>;
  let pki: TestPki;
  let credentialsFile: string;
  let broker: RunningBroker | undefined;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    dir = tempDir('broker-tls');
    pki = makeTestPki(openssl as string, dir.path);
    credentialsFile = join(dir.path, 'passwd');
    writeFileSync(credentialsFile, `pi-1:${await hashPassword(PASSWORD, 10)}\n`);
  });
  afterAll(() => dir.remove());
  afterEach(async () => {
    for (const c of clients.splice(0)) c.end(true);
    await broker?.close();
    broker = undefined;
  });

  const start = async (clientCa?: string) => {
    const log = captureLog();
    const ingest = recordingIngest();
    const tls = { certFile: pki.serverCert, keyFile: pki.serverKey, ...(clientCa ? { clientCaFile: clientCa } : {}) };
    broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, ingest, log, credentialsFile, tls });
    return { log, ingest, port: broker.port };
  };
  const tryConnect = async (url: string, opts: Parameters<typeof connectAs>[2]) => {
    const outcome = await connectAs(url, 'pi-1', { password: PASSWORD, ...opts });
    if ('client' in outcome) clients.push(outcome.client);
    return outcome;
  };

  it("carries the agent's batches when it trusts the CA, and says mqtts in the log", async () => {
    const { log, ingest, port } = await start();
    expect(log.lines).toContain(`info embedded MQTT broker listening on mqtts://127.0.0.1:${port}`);
    const queue = memoryQueue();
    await queue.enqueue(() => Uint8Array.of(1, 2, 3), 0);
    const agentLog = captureLog();
    const tls: BrokerClientTls = { caFile: pki.caCert };
    const publisher = startPublisher(
      queue,
      { agent: 'pi-1', brokerUrl: `mqtts://127.0.0.1:${port}`, password: PASSWORD, tls, windowSize: 2, ackTimeoutMs: 5_000, keepaliveSec: 30, backoff: { minMs: 100, maxMs: 500 } },
      agentLog,
    );
    try {
      await eventually(async () => (queue.stats().batches === 0 ? true : undefined), 10_000, 'the batch to be acked over TLS');
      expect(ingest.topics).toContain('outpost/v1/pi-1/metrics/0');
      expect(agentLog.lines.join('\n')).not.toContain(PASSWORD);
    } finally {
      await publisher.close();
    }
  });

  it('is refused by a client trusting another CA, and refuses a plain MQTT client on the TLS port', async () => {
    const { log, port } = await start();
    const otherCa = await tryConnect(`mqtts://127.0.0.1:${port}`, { ca: readFileSync(pki.otherCaCert) });
    expect(otherCa).toMatchObject({ message: expect.stringMatching(/certificate/i) });
    const plain = await tryConnect(`mqtt://127.0.0.1:${port}`, { connectTimeout: 2_000 });
    expect('client' in plain).toBe(false);
    await eventually(async () => (broker?.counters.tlsHandshakesFailed === 2 ? true : undefined), 5_000, 'both handshakes counted');
    // The distrustful client either just hangs up or first sends an "unknown CA" alert.
    expect(log.lines.some((l) => /^warn TLS handshake (with 127\.0\.0\.1 )?failed: (the client hung up|.*unknown ca)/i.test(l))).toBe(true);
    expect(log.lines).toContain('warn TLS handshake with 127.0.0.1 failed: wrong version number');
    // The broker is still fine afterwards.
    connected(await tryConnect(`mqtts://127.0.0.1:${port}`, { ca: readFileSync(pki.caCert) }));
  });

  it('with a client CA, lets in only clients holding a certificate it signed (and still checks the password)', async () => {
    const { log, port } = await start(pki.caCert);
    expect(log.lines).toContain(`info embedded MQTT broker listening on mqtts://127.0.0.1:${port}, client certificates required`);
    const url = `mqtts://127.0.0.1:${port}`;
    const ca = readFileSync(pki.caCert);
    expect('client' in (await tryConnect(url, { ca }))).toBe(false);
    await eventually(async () => (broker?.counters.tlsHandshakesFailed === 1 ? true : undefined), 5_000, 'the handshake without a certificate counted');
    expect(log.lines.find((l) => l.startsWith('warn TLS handshake'))).toMatch(/^warn TLS handshake with 127\.0\.0\.1 failed: .*certificate/i);
    const cert = readFileSync(pki.clientCert);
    const key = readFileSync(pki.clientKey);
    expect(await tryConnect(url, { ca, cert, key, password: 'wrong' })).toMatchObject({ refused: 5 });
    connected(await tryConnect(url, { ca, cert, key }));
  });

  it('will not start with a missing certificate or a key that does not match it, naming the file', async () => {
    const ingest = recordingIngest();
    const log = captureLog();
    const missing = join(dir.path, 'nope.crt');
    await expect(
      startEmbeddedBroker({ host: '127.0.0.1', port: 0, ingest, log, tls: { certFile: missing, keyFile: pki.serverKey } }),
    ).rejects.toThrow(new BrokerSetupError(`--mqtt-tls-cert ${missing}: cannot read it (ENOENT)`));
    await expect(
      startEmbeddedBroker({ host: '127.0.0.1', port: 0, ingest, log, tls: { certFile: pki.serverCert, keyFile: pki.clientKey } }),
    ).rejects.toThrow(/TLS setup from .*server\.crt and .*client\.key failed/);
  });
});
