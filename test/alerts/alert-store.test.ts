import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openAlertStore } from '../../aggregator/alerts/alert-store.ts';
import type { GroupState, RuleSnapshot } from '../../protocol/rules.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('alert-store');
afterAll(() => dir.remove());

const group = (name: string, activeAt?: number): GroupState => ({
  file: '/etc/outpost/rules/edge.yml',
  name,
  intervalMs: 30_000,
  limit: 0,
  evaluationTimeMs: 1,
  rules: [
    {
      type: 'alerting',
      name: 'Hot',
      query: 'temp > 30',
      labels: {},
      health: 'ok',
      evaluationTimeMs: 1,
      forMs: 0,
      keepFiringForMs: 0,
      annotations: {},
      alerts: activeAt === undefined ? [] : [{ labels: { alertname: 'Hot' }, annotations: {}, state: 'firing', value: 31, activeAt }],
    },
  ],
});
const snap = (t: number, complete: boolean, ...groups: GroupState[]): RuleSnapshot => ({ t, complete, externalLabels: { agent: 'x', seen: String(t) }, groups });
const summary = (groups: { agent: string; group: GroupState }[]) => groups.map((g) => `${g.agent}/${g.group.name}@${g.group.rules[0]?.alerts?.[0]?.activeAt ?? '-'}`);

describe('the aggregator’s store of agents’ rule state', () => {
  it('keeps the newest state of each group whatever order batches arrive in', async () => {
    const store = await openAlertStore(join(dir.path, 'order'));
    store.apply('edge-1', snap(100, true, group('a'), group('b')));
    store.apply('edge-1', snap(300, false, group('a', 250)));
    store.apply('edge-1', snap(200, false, group('a', 150))); // a late resend of an older state
    store.apply('edge-2', snap(50, true, group('a', 10)));
    expect(summary(store.groups())).toEqual(['edge-1/a@250', 'edge-1/b@-', 'edge-2/a@10']);
    // The external labels come from the newest snapshot too.
    expect(store.groups()[0]?.externalLabels).toEqual({ agent: 'x', seen: '300' });
    await store.close();
  });

  it('drops groups a newer complete snapshot no longer lists, and never brings them back from older batches', async () => {
    const store = await openAlertStore(join(dir.path, 'reload'));
    store.apply('edge-1', snap(100, true, group('a'), group('b', 90)));
    store.apply('edge-1', snap(200, true, group('a')));
    store.apply('edge-1', snap(150, false, group('b', 90)));
    store.apply('edge-1', snap(120, true, group('a'), group('b', 90)));
    expect(summary(store.groups())).toEqual(['edge-1/a@-']);
    // A group added after the reload stays, even if a complete snapshot from before it arrives late.
    store.apply('edge-1', snap(250, false, group('c', 240)));
    store.apply('edge-1', snap(210, true, group('a')));
    expect(summary(store.groups())).toEqual(['edge-1/a@-', 'edge-1/c@240']);
    await store.close();
  });

  it('survives a restart of the aggregator', async () => {
    const path = join(dir.path, 'restart');
    const first = await openAlertStore(path);
    first.apply('edge-9', snap(100, true, group('a', 42)));
    await first.close();
    const second = await openAlertStore(path);
    expect(summary(second.groups())).toEqual(['edge-9/a@42']);
    await second.close();
  });
});
