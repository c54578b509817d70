import { describe, expect, it } from 'vitest';
import { ruleRoutes } from '../../aggregator/api/rules.ts';
import { groupToken, type RuleGroupView } from '../../aggregator/api/rules-view.ts';
import type { GroupState } from '../../protocol/rules.ts';

const T = Date.UTC(2024, 4, 6, 7, 8, 9, 500);

const edge: GroupState = {
  file: '/etc/outpost/rules/edge.yml',
  name: 'freezer',
  intervalMs: 30_000,
  limit: 0,
  lastEvaluation: T,
  evaluationTimeMs: 2.5,
  rules: [
    {
      type: 'alerting',
      name: 'FreezerWarm',
      query: 'freezer_temperature_celsius > -15',
      labels: { severity: 'critical' },
      health: 'ok',
      lastEvaluation: T,
      evaluationTimeMs: 1.5,
      forMs: 300_000,
      keepFiringForMs: 60_000,
      annotations: { summary: 'warm', description: 'd' },
      alerts: [
        { labels: { freezer: 'f1', alertname: 'FreezerWarm', severity: 'critical' }, annotations: { summary: 'warm' }, state: 'firing', value: -9.5, activeAt: T - 600_000, firedAt: T - 300_000, keepFiringSince: T },
        { labels: { freezer: 'f2', alertname: 'FreezerWarm', severity: 'critical' }, annotations: { summary: 'ok now' }, state: 'inactive', value: -20, activeAt: T - 900_000, resolvedAt: T - 60_000 },
      ],
    },
    { type: 'recording', name: 'freezer:temp:max', query: 'max(freezer_temperature_celsius)', labels: {}, health: 'err', lastError: 'boom', evaluationTimeMs: 0 },
  ],
};
const central: GroupState = { file: '<outpost built-in>', name: 'outpost-central', intervalMs: 15_000, limit: 0, evaluationTimeMs: 0, rules: [] };
const views: RuleGroupView[] = [{ group: central }, { agent: 'edge-1', group: edge }, { agent: 'edge-2', group: { ...edge, rules: [edge.rules[1] as GroupState['rules'][number]] } }];
const app = ruleRoutes({ groups: () => views });
const get = async (path: string) => (await app.request(path)).json() as Promise<{ status: string; data: Record<string, unknown>; error?: string }>;

const firingAlert = {
  labels: { agent: 'edge-1', alertname: 'FreezerWarm', freezer: 'f1', severity: 'critical' },
  annotations: { summary: 'warm' },
  state: 'firing',
  activeAt: '2024-05-06T06:58:09.5Z',
  keepFiringSince: '2024-05-06T07:08:09.5Z',
  value: '-9.5e+00',
};

describe('/api/v1/alerts over every agent', () => {
  it('lists pending and firing alerts in Prometheus’ shape, each with its agent label; resolved ones are left out', async () => {
    expect(await get('/api/v1/alerts')).toEqual({ status: 'success', data: { alerts: [firingAlert] } });
  });
});

describe('/api/v1/rules over every agent', () => {
  it('shows each agent’s groups after the aggregator’s own, rules and alerts carrying the agent label', async () => {
    const body = await get('/api/v1/rules?rule_group[]=freezer');
    const groups = body.data.groups as Record<string, unknown>[];
    expect(groups).toHaveLength(2);
    expect(groups[0]).toEqual({
      name: 'freezer',
      file: '/etc/outpost/rules/edge.yml',
      rules: [
        {
          state: 'firing',
          name: 'FreezerWarm',
          query: 'freezer_temperature_celsius > -15',
          duration: 300,
          keepFiringFor: 60,
          labels: { agent: 'edge-1', severity: 'critical' },
          annotations: { description: 'd', summary: 'warm' },
          alerts: [firingAlert],
          health: 'ok',
          evaluationTime: 0.0015,
          lastEvaluation: '2024-05-06T07:08:09.5Z',
          type: 'alerting',
        },
        {
          name: 'freezer:temp:max',
          query: 'max(freezer_temperature_celsius)',
          labels: { agent: 'edge-1' },
          health: 'err',
          lastError: 'boom',
          evaluationTime: 0,
          lastEvaluation: '0001-01-01T00:00:00Z',
          type: 'recording',
        },
      ],
      interval: 30,
      limit: 0,
      evaluationTime: 0.0025,
      lastEvaluation: '2024-05-06T07:08:09.5Z',
    });
  });

  it('filters by type, rule name, file and label matchers (the agent label included), and leaves alerts out on request', async () => {
    const names = async (q: string) => ((await get(`/api/v1/rules?${q}`)).data.groups as { rules: { name: string; labels: { agent?: string } }[] }[]).flatMap((g) => g.rules.map((r) => `${r.labels.agent}:${r.name}`));
    expect(await names('type=alert')).toEqual(['edge-1:FreezerWarm']);
    expect(await names('type=record')).toEqual(['edge-1:freezer:temp:max', 'edge-2:freezer:temp:max']);
    expect(await names(`match[]=${encodeURIComponent('{agent="edge-2"}')}`)).toEqual(['edge-2:freezer:temp:max']);
    expect(await names('rule_name[]=FreezerWarm&rule_name[]=nope')).toEqual(['edge-1:FreezerWarm']);
    expect(await names('file[]=%3Coutpost%20built-in%3E')).toEqual([]); // a group without rules is not listed
    const excluded = (await get('/api/v1/rules?exclude_alerts=true&type=alert')).data.groups as { rules: { alerts: unknown }[] }[];
    expect(excluded[0]?.rules[0]?.alerts).toBeNull();
  });

  it('paginates with group_limit and a token naming the next group', async () => {
    const first = await get('/api/v1/rules?group_limit=1');
    expect((first.data.groups as { name: string }[]).map((g) => g.name)).toEqual(['freezer']);
    expect(first.data.groupNextToken).toBe(groupToken(views[2] as RuleGroupView));
    const second = await get(`/api/v1/rules?group_limit=1&group_next_token=${first.data.groupNextToken as string}`);
    expect(second.data.groupNextToken).toBeUndefined();
    expect((second.data.groups as { rules: { labels: { agent: string } }[] }[])[0]?.rules[0]?.labels.agent).toBe('edge-2');
    const stale = await app.request('/api/v1/rules?group_limit=1&group_next_token=0000');
    expect(stale.status).toBe(400);
  });
});
