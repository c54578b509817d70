import { describe, expect, it, vi } from 'vitest';
import type { CollectedSample } from '../../protocol/batch.ts';
import { memoryStorage } from '../../promql/memory-storage.ts';
import type { AlertingRule } from '../../promql/rules/alerting.ts';
import { ruleGroup, type GroupEnv } from '../../promql/rules/group.ts';
import { buildGroups } from '../../promql/rules/load.ts';
import { createRuleManager } from '../../promql/rules/manager.ts';
import { engineQueryFunc } from '../../promql/rules/query.ts';
import { parseRuleFile } from '../../promql/rules/rule-file.ts';

const MIN = 60_000;

function harness() {
  const storage = memoryStorage();
  const written: CollectedSample[] = [];
  const notified: string[] = [];
  const env: GroupEnv = {
    query: engineQueryFunc(storage),
    externalLabels: {},
    externalURL: '',
    resendDelayMs: MIN,
    append(samples) {
      written.push(...samples);
      for (const s of samples) storage.append(s.labels, s.t, s.v, s.stale === true);
    },
    notify: (alerts, rule) => notified.push(...alerts.map((a) => `${rule.name}:${a.state}`)),
  };
  return { storage, written, notified, env };
}

const groupsOf = (yaml: string, file = 'rules.yml') => buildGroups([parseRuleFile(file, yaml)], { intervalMs: MIN });

const RULES = `
groups:
  - name: g
    rules:
      - record: job:temp:max
        expr: max by (job) (temp)
      - alert: Hot
        expr: job:temp:max > 30
`;

describe('rule group evaluation', () => {
  it('evaluates rules in order: an alert reads the recording rule written just before it', () => {
    const h = harness();
    const [g] = groupsOf(RULES);
    h.storage.append({ __name__: 'temp', job: 'a', sensor: '1' }, 0, 35);
    g?.eval(MIN, h.env);
    expect(h.written.map((s) => s.labels.__name__)).toEqual(['job:temp:max', 'ALERTS', 'ALERTS_FOR_STATE']);
    expect(h.notified).toEqual(['Hot:firing']);
    expect(g?.rules.map((r) => r.status.health)).toEqual(['ok', 'ok']);
    expect(g?.lastEvaluation).toBe(MIN);
  });

  it('writes a staleness marker for a series a rule stops producing', () => {
    const h = harness();
    const [g] = groupsOf(RULES);
    h.storage.append({ __name__: 'temp', job: 'a' }, 0, 20);
    h.storage.append({ __name__: 'temp', job: 'b' }, 0, 20);
    g?.eval(MIN, h.env);
    h.storage.truncateBefore(MIN); // job b's input disappears; job a's is refreshed
    h.storage.append({ __name__: 'temp', job: 'a' }, MIN, 21);
    h.written.length = 0;
    g?.eval(2 * MIN, h.env);
    expect(h.written.map((s) => [s.labels.job, s.t, s.stale === true])).toEqual([
      ['a', 2 * MIN, false],
      ['b', 2 * MIN, true],
    ]);
  });

  it('records a failing rule as unhealthy and goes on with the next', () => {
    const h = harness();
    const [g] = groupsOf(`
groups:
  - name: g
    rules:
      - record: dup
        expr: label_replace(temp, "sensor", "x", "", "")
      - record: fine
        expr: vector(1)
`);
    h.storage.append({ __name__: 'temp', sensor: '1' }, 0, 1);
    h.storage.append({ __name__: 'temp', sensor: '2' }, 0, 1);
    g?.eval(MIN, h.env);
    expect(g?.rules.map((r) => [r.status.health, r.status.lastError])).toEqual([
      ['err', 'vector cannot contain metrics with the same labelset'],
      ['ok', undefined],
    ]);
    expect(h.written.map((s) => s.labels.__name__)).toEqual(['fine']);
  });

  it('aligns evaluations on the interval grid plus a stable per-group offset', () => {
    const [a, b] = groupsOf(`
groups:
  - name: one
    interval: 30s
    rules: [{record: x, expr: vector(1)}]
  - name: two
    interval: 30s
    rules: [{record: y, expr: vector(1)}]
`);
    const slotA = (a?.evalTimestamp(1_700_000_012_345) ?? 0) % 30_000;
    for (const now of [1_700_000_000_000, 1_700_000_017_000, 1_700_003_600_123]) {
      const ts = a?.evalTimestamp(now) ?? 0;
      expect(ts).toBeLessThanOrEqual(now);
      expect(now - ts).toBeLessThan(30_000);
      expect(ts % 30_000).toBe(slotA);
    }
    // Another group spreads elsewhere in the interval; a reload (same file and name) keeps its slot.
    expect((b?.evalTimestamp(1_700_000_012_345) ?? 0) % 30_000).not.toBe(slotA);
    const [again] = groupsOf(`
groups:
  - name: one
    interval: 30s
    rules: [{record: z, expr: vector(2)}]
`);
    expect((again?.evalTimestamp(1_700_000_012_345) ?? 0) % 30_000).toBe(slotA);
  });
});

describe('reloading rules', () => {
  it('keeps active alerts and written series of rules that stay, and marks the series of removed rules stale', () => {
    const h = harness();
    const manager = createRuleManager({ env: h.env, now: () => 0 });
    const before = groupsOf(RULES);
    manager.update(before);
    h.storage.append({ __name__: 'temp', job: 'a' }, 0, 40);
    manager.evaluate(before[0] as (typeof before)[number], MIN);
    const after = groupsOf(`
groups:
  - name: g
    rules:
      - alert: Hot
        expr: job:temp:max > 30
`);
    manager.update(after);
    const hot = after[0]?.rules[0] as AlertingRule;
    expect([...hot.active.values()].map((a) => [a.state, a.activeAt])).toEqual([['firing', MIN]]);
    h.written.length = 0;
    manager.evaluate(after[0] as (typeof after)[number], 2 * MIN);
    // The recording rule is gone: its series gets a staleness marker at the group's next evaluation.
    expect(h.written.filter((s) => s.stale).map((s) => s.labels.__name__)).toEqual(['job:temp:max']);
    manager.stop();
  });

  it('marks every series of a group that disappears stale at once', () => {
    const h = harness();
    const manager = createRuleManager({ env: h.env, now: () => 5 * MIN });
    const groups = groupsOf(RULES);
    manager.update(groups);
    h.storage.append({ __name__: 'temp', job: 'a' }, 0, 40);
    manager.evaluate(groups[0] as (typeof groups)[number], MIN);
    h.written.length = 0;
    manager.update([]);
    expect(h.written.map((s) => [s.labels.__name__, s.t, s.stale])).toEqual([
      ['job:temp:max', 5 * MIN, true],
      ['ALERTS', 5 * MIN, true],
      ['ALERTS_FOR_STATE', 5 * MIN, true],
    ]);
    manager.stop();
  });

  it('puts an alert back to pending when a reload raises `for` above its age', () => {
    const h = harness();
    const manager = createRuleManager({ env: h.env, now: () => 0 });
    const first = groupsOf('groups: [{name: g, rules: [{alert: Up, expr: vector(1)}]}]');
    manager.update(first);
    manager.evaluate(first[0] as (typeof first)[number], MIN);
    const second = groupsOf('groups: [{name: g, rules: [{alert: Up, expr: vector(1), for: 10m}]}]');
    manager.update(second);
    manager.evaluate(second[0] as (typeof second)[number], 2 * MIN);
    expect([...(second[0]?.rules[0] as AlertingRule).active.values()].map((a) => [a.state, a.activeAt, a.firedAt])).toEqual([['pending', MIN, undefined]]);
    manager.stop();
  });
});

describe('rule group scheduling', () => {
  it('runs the first evaluation at the first slot after the start, then every interval on the grid', () => {
    vi.useFakeTimers({ now: 1_700_000_000_123 });
    try {
      const h = harness();
      const evaluated: number[] = [];
      const g = ruleGroup({ file: 'f', name: 'fast', intervalMs: 10_000, queryOffsetMs: 0, limit: 0, rules: [] });
      const manager = createRuleManager({ env: h.env, now: Date.now, onEvaluated: (group) => evaluated.push(group.lastEvaluation as number) });
      const start = Date.now();
      manager.update([g]);
      vi.advanceTimersByTime(35_000);
      manager.stop();
      const first = g.evalTimestamp(start) + 10_000;
      expect(evaluated).toEqual([first, first + 10_000, first + 20_000]);
      // A process that was busy for several intervals skips the missed slots instead of running them late.
      const late: number[] = [];
      let stalled = 0;
      const g2 = ruleGroup({ file: 'f', name: 'late', intervalMs: 10_000, queryOffsetMs: 0, limit: 0, rules: [] });
      const m2 = createRuleManager({ env: h.env, now: () => Date.now() + stalled, onEvaluated: (group) => late.push(group.lastEvaluation as number) });
      m2.update([g2]);
      stalled = 45_000;
      vi.advanceTimersByTime(10_000);
      m2.stop();
      expect(late).toHaveLength(1);
      const at = Date.now() + stalled;
      expect(at - (late[0] as number)).toBeLessThan(10_000);
      expect(late[0]).toBe(g2.evalTimestamp(at));
    } finally {
      vi.useRealTimers();
    }
  });
});
