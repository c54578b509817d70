import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_EDGE_RULES } from '../../agent/rules/config.ts';
import { startEdgeRules } from '../../agent/rules/edge-rules.ts';
import type { CollectedSample } from '../../protocol/batch.ts';
import { labelsKey } from '../../protocol/labels.ts';
import type { Logger } from '../../protocol/log.ts';
import type { RuleSnapshot } from '../../protocol/rules.ts';
import { alertingRule } from '../../promql/rules/alerting.ts';
import type { EvalContext } from '../../promql/rules/rule.ts';
import { DEFAULT_RESTORE, restoreForState } from '../../promql/rules/restore.ts';
import { tempDir } from '../helpers/tmp.ts';

const MIN = 60_000;
const T0 = 1_700_000_000_000;
const firingNow = (): EvalContext => ({ query: (_q, t) => [{ labels: { __name__: 'x', host: 'a' }, t, v: 1 }], queryOffsetMs: 0, limit: 0, externalLabels: {}, externalURL: '' });
const KEY = labelsKey({ alertname: 'Hot', host: 'a' });

/** A rule with `for` whose alert the first evaluation after a restart at `ts` has just made pending. */
function evaluatedAt(ts: number, forMs: number) {
  const rule = alertingRule({ name: 'Hot', query: 'x > 0', forMs, keepFiringForMs: 0, labels: {}, annotations: {} });
  rule.eval(ts, firingNow());
  return rule;
}

describe("restoring alerts' `for` state after a restart, as Prometheus' RestoreForState", () => {
  const ts = T0 + 60 * MIN;

  it('keeps the time spent pending, moved by the downtime', () => {
    const rule = evaluatedAt(ts, 30 * MIN);
    // Pending 12 minutes when it went down, 5 minutes ago: 18 minutes left, as before the restart.
    expect(restoreForState(rule, { downAt: ts - 5 * MIN, activeAt: new Map([[KEY, ts - 17 * MIN]]) }, ts)).toBe(1);
    expect(rule.active.get(KEY)?.activeAt).toBe(ts - 12 * MIN);
  });

  it('gives an alert about to fire, or firing, the grace period; an alert firing before fires again at once', () => {
    const soon = evaluatedAt(ts, 30 * MIN);
    restoreForState(soon, { downAt: ts - 1 * MIN, activeAt: new Map([[KEY, ts - 26 * MIN]]) }, ts);
    // 5 minutes were left, less than the 10 minute grace period: it fires 10 minutes from now.
    expect((soon.active.get(KEY)?.activeAt as number) + 30 * MIN).toBe(ts + DEFAULT_RESTORE.gracePeriodMs);
    const fired = evaluatedAt(ts, 30 * MIN);
    restoreForState(fired, { downAt: ts - 1 * MIN, activeAt: new Map([[KEY, ts - 45 * MIN]]) }, ts);
    expect(fired.active.get(KEY)?.activeAt).toBe(ts - 45 * MIN);
    fired.eval(ts + MIN, firingNow());
    expect(fired.active.get(KEY)?.state).toBe('firing');
  });

  it('restores nothing after a longer outage than the tolerance, for a `for` under the grace period, or an unknown alert', () => {
    const saved = { downAt: ts - 61 * MIN, activeAt: new Map([[KEY, ts - 70 * MIN]]) };
    const late = evaluatedAt(ts, 30 * MIN);
    expect(restoreForState(late, saved, ts)).toBe(0);
    expect(late.active.get(KEY)?.activeAt).toBe(ts);
    const short = evaluatedAt(ts, 5 * MIN);
    expect(restoreForState(short, { downAt: ts - MIN, activeAt: new Map([[KEY, ts - 3 * MIN]]) }, ts)).toBe(0);
    const other = evaluatedAt(ts, 30 * MIN);
    expect(restoreForState(other, { downAt: ts - MIN, activeAt: new Map([['{"alertname":"Cold"}', ts - 3 * MIN]]) }, ts)).toBe(0);
  });
});

describe('the agent keeps its alerts’ activeAt on disk across a restart', () => {
  const dir = tempDir('for-state');
  afterAll(() => dir.remove());
  const rulesFile = join(dir.path, 'rules.yml');
  const stateFile = join(dir.path, 'data', 'rules-for-state.json');
  beforeEach(() => {
    writeFileSync(rulesFile, 'groups:\n  - name: freezer\n    interval: 30s\n    rules:\n      - alert: FreezerWarm\n        expr: temp > -15\n        for: 30m\n');
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => vi.useRealTimers());

  function agent() {
    const snapshots: RuleSnapshot[] = [];
    const lines: string[] = [];
    const log: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
    const rules = startEdgeRules(
      { ...DEFAULT_EDGE_RULES, ruleFiles: [rulesFile], baseDir: dir.path },
      { agentId: 'edge-1', log, now: Date.now, ship: () => {}, queueSnapshot: async (s) => void snapshots.push(s), forStateFile: stateFile },
    );
    const feed = rules.tee({ add: () => {}, flush: async () => {} });
    const alert = () => snapshots.at(-1)?.groups[0]?.rules[0]?.alerts?.[0];
    return { rules, feed, alert, lines };
  }
  const warm = (t: number): CollectedSample => ({ labels: { __name__: 'temp', freezer: 'f1' }, t, v: -10 });

  it('goes on pending after a restart instead of starting its 30 minutes again', async () => {
    const first = agent();
    for (let i = 0; i < 24; i++) {
      first.feed.add([warm(Date.now())]);
      await vi.advanceTimersByTimeAsync(30_000);
    }
    const activeAt = first.alert()?.activeAt as number;
    expect(first.alert()?.state).toBe('pending');
    expect(Date.now() - activeAt).toBeGreaterThanOrEqual(11 * MIN);
    await first.rules.close();
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).groups).toBeDefined();

    // Down for 3 minutes, then the same rules start again on the same data directory.
    await vi.advanceTimersByTimeAsync(3 * MIN);
    const second = agent();
    for (let i = 0; i < 4; i++) {
      second.feed.add([warm(Date.now())]);
      await vi.advanceTimersByTimeAsync(30_000);
    }
    const restored = second.alert()?.activeAt as number;
    // The time it had spent pending counts, shifted by the downtime (up to one save interval of a minute).
    expect(restored).toBeGreaterThanOrEqual(activeAt + 3 * MIN);
    expect(restored).toBeLessThanOrEqual(activeAt + 4 * MIN + 30_000);
    expect(second.lines.some((l) => l.includes('1 alerts go on from their state before the restart'))).toBe(true);
    await second.rules.close();
  });

  it('ignores a damaged state file with one warning and starts the alerts afresh', async () => {
    writeFileSync(stateFile, '{"version": 1, "groups": [');
    const a = agent();
    expect(a.lines.some((l) => l.includes(`ignoring ${stateFile}`))).toBe(true);
    a.feed.add([warm(Date.now())]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(a.alert()?.state).toBe('pending');
    await a.rules.close();
    expect(existsSync(stateFile)).toBe(true);
  });
});
