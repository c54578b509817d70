import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Batcher } from '../../agent/buffer/batcher.ts';
import { DEFAULT_EDGE_RULES, type EdgeRulesConfig } from '../../agent/rules/config.ts';
import { startEdgeRules } from '../../agent/rules/edge-rules.ts';
import { localWindow } from '../../agent/rules/local-window.ts';
import type { CollectedSample } from '../../protocol/batch.ts';
import type { Logger } from '../../protocol/log.ts';
import type { RuleSnapshot } from '../../protocol/rules.ts';
import { makeMatcher } from '../../promql/matcher.ts';
import { RuleFileError } from '../../promql/rules/rule-file.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('edge-rules');
afterAll(() => dir.remove());
const rulesFile = join(dir.path, 'edge.yml');
const T0 = 1_700_000_000_000;

const RULES = `groups:
  - name: freezer
    interval: 10s
    rules:
      - record: freezer:temp:max
        expr: max(freezer_temperature_celsius)
      - alert: FreezerWarm
        expr: freezer_temperature_celsius > -15
        for: 20s
        annotations:
          summary: "{{ $labels.freezer }} at {{ $value }} on {{ $externalLabels.agent }}"
`;

function harness(config: Partial<EdgeRulesConfig> = {}) {
  const shipped: CollectedSample[] = [];
  const snapshots: RuleSnapshot[] = [];
  const posted: unknown[] = [];
  const lines: string[] = [];
  const log: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
  const fetch = (async (_url: string, init: RequestInit) => {
    posted.push(...JSON.parse(init.body as string));
    return new Response('', { status: 200 });
  }) as unknown as typeof globalThis.fetch;
  const full: EdgeRulesConfig = { ...DEFAULT_EDGE_RULES, ruleFiles: [rulesFile], baseDir: dir.path, alertmanagers: ['http://am:9093'], externalLabels: { site: 'shop' }, ...config };
  const rules = startEdgeRules(full, {
    agentId: 'edge-1',
    log,
    now: Date.now,
    ship: (s) => shipped.push(...s),
    queueSnapshot: async (s) => void snapshots.push(s),
    fetch,
  });
  const collected: CollectedSample[] = [];
  const sink: Batcher = { add: (s) => collected.push(...s), flush: async () => {} };
  return { rules, shipped, snapshots, posted, lines, full, batcher: rules.tee(sink), collected };
}

const temp = (t: number, v: number): CollectedSample => ({ labels: { __name__: 'freezer_temperature_celsius', freezer: 'f1', instance: 'edge-1' }, t, v });

describe('edge rules on the agent', () => {
  beforeEach(() => {
    writeFileSync(rulesFile, RULES);
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => vi.useRealTimers());

  it('evaluates over the samples the agent collects, offline, and fires after `for`', async () => {
    const h = harness();
    expect(h.snapshots.map((s) => [s.complete, s.groups.map((g) => g.name)])).toEqual([[true, ['freezer']]]);
    for (let t = 0; t <= 60_000; t += 5_000) {
      h.batcher.add([temp(Date.now(), -10)]);
      await vi.advanceTimersByTimeAsync(5_000);
    }
    // Collected samples still go to the queue as before.
    expect(h.collected.length).toBeGreaterThan(10);
    const alerts = h.snapshots.at(-1)?.groups[0]?.rules[1]?.alerts;
    expect(alerts?.map((a) => [a.state, a.annotations.summary])).toEqual([['firing', 'f1 at -10 on edge-1']]);
    const firing = h.snapshots.find((s) => s.groups[0]?.rules[1]?.alerts?.[0]?.state === 'firing')?.groups[0]?.rules[1]?.alerts?.[0];
    const pending = h.snapshots.find((s) => s.groups[0]?.rules[1]?.alerts?.[0]?.state === 'pending')?.groups[0]?.rules[1]?.alerts?.[0];
    // Rule state went to the queue on each change, with the original activeAt.
    expect(firing?.activeAt).toBe(pending?.activeAt);
    expect((firing?.firedAt ?? 0) - (firing?.activeAt ?? 0)).toBe(20_000);
    // Results are shipped with the external labels (and the agent's id); the local window keeps them as written.
    const recorded = h.shipped.find((s) => s.labels.__name__ === 'freezer:temp:max');
    expect(recorded?.labels).toEqual({ __name__: 'freezer:temp:max', agent: 'edge-1', site: 'shop' });
    expect([...h.rules.window.select([makeMatcher('=', '__name__', 'freezer:temp:max')], 0, Infinity)].map((s) => s.labels)).toEqual([{ __name__: 'freezer:temp:max' }]);
    expect(h.shipped.some((s) => s.labels.__name__ === 'ALERTS' && s.labels.alertstate === 'firing')).toBe(true);
    // Alertmanager heard it directly, once, with the external labels.
    expect(h.posted).toEqual([expect.objectContaining({ labels: { alertname: 'FreezerWarm', freezer: 'f1', instance: 'edge-1', agent: 'edge-1', site: 'shop' } })]);
    await h.rules.close();
  });

  it('refuses a bad rule file on reload, naming the problem, and keeps the running rules', async () => {
    const h = harness();
    writeFileSync(rulesFile, RULES.replace('max(freezer_temperature_celsius)', 'max(freezer_temperature_celsius'));
    expect(() => h.rules.apply(h.full)).toThrow(RuleFileError);
    try {
      h.rules.apply(h.full);
    } catch (err) {
      expect((err as Error).message).toBe(`${rulesFile}: 6:15: group "freezer", rule 1, "freezer:temp:max": could not parse expression: 1:32: parse error: unclosed left parenthesis`);
    }
    h.batcher.add([temp(Date.now(), -10)]);
    h.shipped.length = 0;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.shipped.map((s) => s.labels.__name__)).toContain('freezer:temp:max');
    expect(h.snapshots).toHaveLength(2); // the start's, then the first evaluation's; nothing from the refused reload
    await h.rules.close();
  });

  it('applies a new rule set and tells the aggregator which groups are gone', async () => {
    const h = harness();
    writeFileSync(rulesFile, 'groups: []\n');
    h.rules.apply(h.full);
    expect(h.snapshots.at(-1)).toMatchObject({ complete: true, groups: [] });
    // Without rules the window is not fed: nothing holds data nobody reads.
    h.batcher.add([temp(Date.now(), -10)]);
    expect(h.rules.window.series).toBe(0);
    await h.rules.close();
  });
});

describe('the local window', () => {
  it('holds at most maxSeries series, counting the samples it refuses', () => {
    const w = localWindow({ windowMs: 60_000, maxSeries: 2 });
    w.append([temp(0, 1), { ...temp(0, 1), labels: { __name__: 'b' } }, { ...temp(0, 1), labels: { __name__: 'c' } }, temp(1000, 2)]);
    expect(w.series).toBe(2);
    expect(w.refusedSamples).toBe(1);
  });

  it('forgets samples older than the window, and series left empty', () => {
    const w = localWindow({ windowMs: 60_000, maxSeries: 2 });
    w.append([temp(0, 1), { ...temp(0, 1), labels: { __name__: 'b' } }, temp(90_000, 2)]);
    w.truncate(120_000);
    expect(w.series).toBe(1);
    expect([...w.select([], 0, Infinity)].map((s) => Array.from(s.ts))).toEqual([[90_000]]);
    // The room freed lets a new series in.
    w.append([{ ...temp(120_000, 1), labels: { __name__: 'c' } }]);
    expect(w.series).toBe(2);
  });
});
