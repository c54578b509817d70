import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildBatch } from '../../protocol/batch.ts';
import { encodeBatch } from '../../protocol/codec.ts';
import { agentClientId, metricsTopic } from '../../protocol/topics.ts';
import { connectAs, connected } from '../aggregator/ingest/broker-harness.ts';
import { eventually } from '../helpers/process.ts';
import { agentState, latest, sleep } from './observe.ts';
import { BROKER_KINDS, openRig, rigAvailable, type BrokerKind, type Rig } from './rig.ts';

/** How each broker words the two refusals in its log (mosquitto 2.0 with `log_type all`). */
const REFUSAL_LOG: Record<BrokerKind, { unauthenticated: RegExp; forged: RegExp }> = {
  embedded: {
    unauthenticated: /refused MQTT client "outpost-agent-pi-2" from \S+ as "pi-2": no password given/,
    forged: /refused publish to outpost\/v1\/pi-2\/metrics\/0 by pi-1: agents publish only under their own id/,
  },
  mosquitto: {
    unauthenticated: /Sending CONNACK to \S+ \(0, 5\)\n.*Client <unknown> disconnected, not authorised\./,
    forged: /Denied PUBLISH from outpost-agent-pi-1 \([^)]*'outpost\/v1\/pi-2\/metrics\/0'/,
  },
};

const batchOf = (agent: string, seq: number, name: string) =>
  Buffer.from(encodeBatch(buildBatch(agent, seq, [{ labels: { __name__: name, job: 'refusals' }, v: 1, t: Date.now() }])));

describe.each(BROKER_KINDS.filter(rigAvailable))('(e) refusals, broker: %s', (kind) => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await openRig(kind);
    await rig.startAggregator();
  });
  afterEach(() => rig.close());

  it('refuses and logs a client without a password, and an agent publishing under another agent id; stores neither', async () => {
    const anonymous = await connectAs(rig.brokerUrl, 'pi-2', {});
    expect(anonymous).toMatchObject({ refused: 5 });

    const pi1 = connected(await connectAs(rig.brokerUrl, 'pi-1', { password: rig.passwords['pi-1'] as string }));
    // aedes closes the connection (MQTT 3.1.1 has no refusal for a publish); mosquitto acks and drops it.
    await pi1.publishAsync(metricsTopic('pi-2', 0), batchOf('pi-2', 0, 'forged_metric'), { qos: 1 }).catch(() => undefined);
    pi1.end(true);

    // pi-1's own batch, sent after the forged one, is stored: had the forged one got through, it would be too.
    const own = connected(await connectAs(rig.brokerUrl, 'pi-1', { password: rig.passwords['pi-1'] as string, clientId: agentClientId('pi-1') }));
    await own.publishAsync(metricsTopic('pi-1', 0), batchOf('pi-1', 0, 'own_metric'), { qos: 1 });
    own.end(true);
    await eventually(async () => (await latest(rig.api(), 'own_metric')) ?? undefined, 10_000, 'pi-1 batch to be stored');
    await sleep(300);

    expect(await latest(rig.api(), 'forged_metric')).toBeUndefined();
    expect(await agentState(rig.api(), 'pi-2')).toBeUndefined();
    const log = rig.brokerLog();
    expect(log).toMatch(REFUSAL_LOG[kind].unauthenticated);
    expect(log).toMatch(REFUSAL_LOG[kind].forged);
    // Never a password in a log line.
    for (const password of Object.values(rig.passwords)) expect(log).not.toContain(password);
  }, 60_000);
});
