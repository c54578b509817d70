import { describe, expect, it } from 'vitest';
import { agentSamples, builtinRuleFile } from '../../aggregator/alerts/central-rules.ts';
import { startAlertForwarder } from '../../aggregator/alerts/forwarder.ts';
import type { AgentGroup } from '../../aggregator/alerts/alert-store.ts';
import type { AgentRegistry, AgentState } from '../../aggregator/ingest/agent-registry.ts';
import type { Logger } from '../../protocol/log.ts';
import type { AlertState } from '../../protocol/rules.ts';
import { memoryStorage } from '../../promql/memory-storage.ts';
import type { AlertingRule } from '../../promql/rules/alerting.ts';
import type { GroupEnv } from '../../promql/rules/group.ts';
import { buildGroups } from '../../promql/rules/load.ts';
import type { AlertmanagerAlert } from '../../promql/rules/notify.ts';
import { engineQueryFunc } from '../../promql/rules/query.ts';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1);
const log: Logger = { info: () => {}, warn: () => {}, error: () => {} };

function fakeRegistry(states: AgentState[]): AgentRegistry {
  return {
    list: () => states,
    batchStored() {},
    batchRejected() {},
    batchDuplicate() {},
    statusChanged() {},
    close: async () => {},
  };
}

const agent = (name: string, online: boolean, lastSeen: number | null): AgentState => ({ agent: name, online, lastSeen, lastSeq: null, batches: 0, samples: 0, rejected: 0, duplicates: 0 });

describe('the built-in central rule: an agent offline for 5 minutes', () => {
  it('goes pending when the registry says offline and fires after 5 minutes, naming the agent and when it was last seen', () => {
    const storage = memoryStorage();
    const [group] = buildGroups([builtinRuleFile()], { intervalMs: MIN });
    const env: GroupEnv = {
      query: engineQueryFunc(storage),
      externalLabels: {},
      externalURL: '',
      resendDelayMs: MIN,
      append: (samples) => samples.forEach((s) => storage.append(s.labels, s.t, s.v, s.stale === true)),
      notify: () => {},
    };
    const states = [agent('edge-1', true, T0), agent('edge-2', true, T0)];
    const registry = fakeRegistry(states);
    const rule = group?.rules[0] as AlertingRule;
    const step = (t: number) => {
      env.append(agentSamples(registry, t));
      group?.eval(t, env);
      return [...rule.active.values()].map((a) => `${a.labels.agent}:${a.state}`);
    };
    expect(group?.intervalMs).toBe(15_000);
    expect(step(T0)).toEqual([]);
    states[0] = agent('edge-1', false, T0 + 30_000); // its Last Will arrived
    expect(step(T0 + MIN)).toEqual(['edge-1:pending']);
    expect(step(T0 + 5 * MIN + 45_000)).toEqual(['edge-1:pending']);
    expect(step(T0 + 6 * MIN)).toEqual(['edge-1:firing']);
    const alert = [...rule.active.values()][0];
    expect(alert?.labels).toEqual({ agent: 'edge-1', alertname: 'OutpostAgentOffline', severity: 'warning' });
    expect(alert?.annotations.description).toContain('(last seen 2024-01-01 00:00:30 +0000 UTC)');
    states[0] = agent('edge-1', true, T0 + 7 * MIN);
    expect(step(T0 + 7 * MIN)).toEqual(['edge-1:inactive']);
  });

  it('writes one up and one last-seen series per agent the registry knows', () => {
    const samples = agentSamples(fakeRegistry([agent('a', true, 5_000), agent('b', false, null)]), 9_000);
    expect(samples).toEqual([
      { labels: { __name__: 'outpost_agent_up', agent: 'a' }, t: 9_000, v: 1 },
      { labels: { __name__: 'outpost_agent_last_seen_timestamp_seconds', agent: 'a' }, t: 9_000, v: 5 },
      { labels: { __name__: 'outpost_agent_up', agent: 'b' }, t: 9_000, v: 0 },
    ]);
  });
});

describe('forwarding agents’ alerts to Alertmanager', () => {
  it('sends firing alerts with the agent label on the resend schedule, and a resolution at once', async () => {
    let now = T0;
    const posted: AlertmanagerAlert[][] = [];
    const fetch = (async (_url: string, init: RequestInit) => {
      posted.push(JSON.parse(init.body as string));
      return new Response('', { status: 200 });
    }) as unknown as typeof globalThis.fetch;
    let alert: AlertState = { labels: { alertname: 'Hot', freezer: 'f1' }, annotations: { summary: 's' }, state: 'firing', value: 1, activeAt: T0 - 10 * MIN, firedAt: T0 - 5 * MIN };
    const groups = (): AgentGroup[] => [
      {
        agent: 'edge-1',
        externalLabels: { agent: 'edge-1', site: 'shop' },
        t: now,
        group: {
          file: 'f',
          name: 'g',
          intervalMs: 30_000,
          limit: 0,
          evaluationTimeMs: 0,
          rules: [{ type: 'alerting', name: 'Hot', query: 'temp > 30', labels: {}, health: 'ok', evaluationTimeMs: 0, forMs: 0, keepFiringForMs: 0, annotations: {}, alerts: [alert] }],
        },
      },
    ];
    const forwarder = startAlertForwarder({ urls: ['http://am:9093'], resendDelayMs: MIN, log, now: () => now, agentGroups: groups, fetch });
    const flush = () => new Promise((r) => setTimeout(r, 20));
    forwarder.poke();
    await flush();
    expect(posted).toEqual([
      [
        {
          labels: { agent: 'edge-1', alertname: 'Hot', freezer: 'f1', site: 'shop' },
          annotations: { summary: 's' },
          startsAt: new Date(T0 - 5 * MIN).toISOString(),
          endsAt: new Date(T0 + 4 * MIN).toISOString(),
          generatorURL: '/graph?g0.expr=temp+%3E+30&g0.tab=1',
        },
      ],
    ]);
    now += 30_000;
    forwarder.poke();
    await flush();
    expect(posted).toHaveLength(1);
    now += 31_000;
    forwarder.poke();
    await flush();
    expect(posted).toHaveLength(2);
    alert = { ...alert, state: 'inactive', resolvedAt: now - 1_000 };
    forwarder.poke();
    await flush();
    expect(posted.at(-1)?.[0]?.endsAt).toBe(new Date(now - 1_000).toISOString());
    await forwarder.close();
  });
});
