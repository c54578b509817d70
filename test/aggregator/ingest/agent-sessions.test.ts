import { writeFileSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgentSessions } from '../../../aggregator/ingest/agent-sessions.ts';
import { startEmbeddedBroker, type RunningBroker } from '../../../aggregator/ingest/broker.ts';
import { hashPassword } from '../../../aggregator/ingest/credentials.ts';
import { connectRefusal } from '../../../agent/publish/connect-refusal.ts';
import { agentClientId } from '../../../protocol/topics.ts';
import { eventually } from '../../helpers/process.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { captureLog, connectAs, connected, recordingIngest } from './broker-harness.ts';

describe('one live connection per agent id (rule)', () => {
  const client = () => ({ closed: false });
  let t = 0;
  const sessions = () => createAgentSessions<{ closed: boolean }>(() => t);
  beforeEach(() => (t = 1_000_000));

  it('refuses a second connection while the first is heard from within 1.5 × its keepalive', () => {
    const s = sessions();
    const first = client();
    expect(s.admit('pi-1', first, '10.0.0.1', 30)).toEqual({ kind: 'admit' });
    t += 40_000;
    s.heard(first);
    t += 45_000;
    const refused = s.admit('pi-1', client(), '10.0.0.2', 30);
    expect(refused).toMatchObject({ kind: 'refuse', holder: { address: '10.0.0.1' }, silentMs: 45_000 });
  });

  it('lets a reconnecting device take over once the old connection has been silent past that', () => {
    const s = sessions();
    const old = client();
    s.admit('pi-1', old, '10.0.0.1', 30);
    t += 45_001;
    const fresh = client();
    expect(s.admit('pi-1', fresh, '10.0.0.7', 30)).toMatchObject({ kind: 'take-over', previous: { client: old }, silentMs: 45_001 });
    // The new connection holds the id now: the old one's late packets and its close change nothing.
    s.heard(old);
    s.gone(old);
    expect(s.admit('pi-1', client(), '10.0.0.1', 30)).toMatchObject({ kind: 'refuse', holder: { client: fresh } });
  });

  it('frees the id at once when the connection closes, and keeps ids apart', () => {
    const s = sessions();
    const first = client();
    s.admit('pi-1', first, '10.0.0.1', 30);
    expect(s.admit('pi-2', client(), '10.0.0.2', 30)).toEqual({ kind: 'admit' });
    s.gone(first);
    expect(s.admit('pi-1', client(), '10.0.0.3', 30)).toEqual({ kind: 'admit' });
    // Closed without the broker's event reaching us (a CONNECT that failed after authentication): free too.
    const other = client();
    s.admit('pi-3', other, '10.0.0.4', 30);
    other.closed = true;
    expect(s.admit('pi-3', client(), '10.0.0.5', 30)).toEqual({ kind: 'admit' });
    // No keepalive asked for: 60 s of silence count as dead.
    expect(s.silenceLimitMs(0)).toBe(90_000);
  });

  it("tells the refused agent what to change, in MQTT 3.1.1's and MQTT 5's codes", () => {
    for (const code of [2, 0x85]) expect(connectRefusal({ code }, 'pi-1', 30)).toMatch(/refused agent id pi-1: it is already connected elsewhere .* set a unique id in \/etc\/outpost\/agent\.yaml .* 45 s$/);
    for (const code of [4, 5, 0x86, 0x87]) expect(connectRefusal({ code }, 'pi-1', 30)).toContain('outpost aggregator add-agent pi-1');
    expect(connectRefusal(new Error('ECONNREFUSED'), 'pi-1', 30)).toBeUndefined();
    expect(connectRefusal({ code: 3 }, 'pi-1', 30)).toBeUndefined();
  });
});

/** A bare MQTT 3.1.1 CONNECT (§3.1): a client that says hello and then never sends another byte, as a dead link. */
function connectPacket(clientId: string, username: string, password: string, keepaliveSec: number): Buffer {
  const str = (s: string) => {
    const b = Buffer.from(s);
    return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
  };
  const body = Buffer.concat([str('MQTT'), Buffer.from([4, 0xc2, keepaliveSec >> 8, keepaliveSec & 0xff]), str(clientId), str(username), str(password)]);
  return Buffer.concat([Buffer.from([0x10, body.length]), body]);
}

describe('one live connection per agent id (embedded broker)', () => {
  const password = 'pi-1-secret';
  let dir: ReturnType<typeof tempDir>;
  let broker: RunningBroker;
  let url: string;
  let log: ReturnType<typeof captureLog>;
  const open: { end(force: boolean): void }[] = [];
  beforeEach(async () => {
    dir = tempDir('sessions');
    const file = join(dir.path, 'passwd');
    writeFileSync(file, `pi-1:${await hashPassword(password, 10)}\n`);
    log = captureLog();
    broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, ingest: recordingIngest(), log, credentialsFile: file });
    url = `mqtt://127.0.0.1:${broker.port}`;
  });
  afterEach(async () => {
    for (const c of open.splice(0)) c.end(true);
    await broker.close();
    dir.remove();
  });

  it('refuses a second device with the same id for as long as the first answers its keepalives', async () => {
    const first = connected(await connectAs(url, 'pi-1', { password, keepalive: 1 }));
    open.push(first);
    const deadline = Date.now() + 3_000; // twice the 1.5 s a silent client would be given
    let attempts = 0;
    while (Date.now() < deadline) {
      expect(await connectAs(url, 'pi-1', { password, keepalive: 1 })).toMatchObject({ refused: 2 });
      attempts++;
      await new Promise((r) => setTimeout(r, 400));
    }
    expect(first.connected).toBe(true);
    expect(attempts).toBeGreaterThan(3);
    const line = log.lines.find((l) => l.includes('is already connected'));
    expect(line).toMatch(
      /^warn refused MQTT client "outpost-agent-pi-1" from 127\.0\.0\.1 as "pi-1": agent pi-1 is already connected from 127\.0\.0\.1 \(last heard from \d s ago\); another device uses the same id — set a unique id in that device's \/etc\/outpost\/agent\.yaml/,
    );
  });

  it('lets a device whose old connection went silent back in within 1.5 × keepalive', async () => {
    const dead: Socket = createConnection(broker.port, '127.0.0.1');
    const closedByBroker = new Promise<void>((resolve) => dead.once('close', () => resolve()));
    const connack = new Promise<Buffer>((resolve) => dead.once('data', resolve));
    dead.write(connectPacket(agentClientId('pi-1'), 'pi-1', password, 2));
    expect([...(await connack)]).toEqual([0x20, 2, 0, 0]);
    const started = Date.now();
    expect(await connectAs(url, 'pi-1', { password })).toMatchObject({ refused: 2 });
    const back = await eventually(async () => {
      const outcome = await connectAs(url, 'pi-1', { password });
      return 'client' in outcome ? outcome.client : undefined;
    }, 8_000, 'the reconnecting device let in');
    open.push(back);
    await closedByBroker;
    // Let in no later than the old connection's 3 s of allowed silence, plus a retry's delay.
    expect(Date.now() - started).toBeLessThan(4_500);
    dead.destroy();
  });
});
