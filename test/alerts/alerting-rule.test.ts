import { describe, expect, it } from 'vitest';
import type { Labels } from '../../protocol/labels.ts';
import { alertingRule, RESOLVED_RETENTION_MS, type AlertingRuleSpec } from '../../promql/rules/alerting.ts';
import type { EvalContext, RuleSample } from '../../promql/rules/rule.ts';

const MIN = 60_000;

/** A query function whose result the test sets before each evaluation: time is whatever the test says. */
function scripted() {
  let result: RuleSample[] = [];
  const ctx: EvalContext = {
    query: (_expr, t) => result.map((s) => ({ ...s, t })),
    queryOffsetMs: 0,
    limit: 0,
    externalLabels: { site: 'shop-17' },
    externalURL: 'http://outpost.example',
  };
  return {
    ctx,
    set(...samples: [Labels, number][]) {
      result = samples.map(([labels, v]) => ({ labels, t: 0, v }));
    },
  };
}

const spec = (over: Partial<AlertingRuleSpec> = {}): AlertingRuleSpec => ({
  name: 'FreezerWarm',
  query: 'freezer_temperature_celsius > -15',
  forMs: 5 * MIN,
  keepFiringForMs: 0,
  labels: { severity: 'critical' },
  annotations: { summary: '{{ $labels.freezer }} at {{ $value }}' },
  ...over,
});

const freezer = { __name__: 'freezer_temperature_celsius', freezer: 'f1' };
const alertLabels = { freezer: 'f1', severity: 'critical', alertname: 'FreezerWarm' };

describe('alerting rule state machine', () => {
  it('goes pending, then firing once the condition has held for `for`, writing ALERTS and ALERTS_FOR_STATE', () => {
    const rule = alertingRule(spec());
    const q = scripted();
    q.set([freezer, -10]);
    const t0 = 1_700_000_000_000;
    const first = rule.eval(t0, q.ctx);
    expect([...rule.active.values()].map((a) => [a.state, a.activeAt])).toEqual([['pending', t0]]);
    expect(first).toEqual([
      { labels: { ...alertLabels, __name__: 'ALERTS', alertstate: 'pending' }, t: t0, v: 1 },
      { labels: { ...alertLabels, __name__: 'ALERTS_FOR_STATE' }, t: t0, v: t0 / 1000 },
    ]);
    rule.eval(t0 + 4 * MIN, q.ctx);
    expect([...rule.active.values()][0]?.state).toBe('pending');
    q.set([freezer, -9.5]);
    const firing = rule.eval(t0 + 5 * MIN, q.ctx);
    const alert = [...rule.active.values()][0];
    expect(alert).toMatchObject({ state: 'firing', activeAt: t0, firedAt: t0 + 5 * MIN, value: -9.5, annotations: { summary: 'f1 at -9.5' } });
    expect(firing[0]?.labels.alertstate).toBe('firing');
    // ALERTS_FOR_STATE keeps the original activeAt, which is what lets `for` survive a restart in Prometheus.
    expect(firing[1]?.v).toBe(t0 / 1000);
  });

  it('fires at once without `for`', () => {
    const rule = alertingRule(spec({ forMs: 0 }));
    const q = scripted();
    q.set([freezer, -1]);
    rule.eval(1000, q.ctx);
    expect([...rule.active.values()][0]?.state).toBe('firing');
  });

  it('forgets a pending alert whose condition went away, without a resolution', () => {
    const rule = alertingRule(spec());
    const q = scripted();
    q.set([freezer, -10]);
    rule.eval(0, q.ctx);
    q.set();
    expect(rule.eval(MIN, q.ctx)).toEqual([]);
    expect(rule.active.size).toBe(0);
    expect(rule.takeAlertsToSend(MIN, MIN, MIN)).toEqual([]);
  });

  it('resolves a firing alert, keeps it 15 minutes for notifications, then drops it', () => {
    const rule = alertingRule(spec({ forMs: 0 }));
    const q = scripted();
    q.set([freezer, -10]);
    rule.eval(0, q.ctx);
    q.set();
    expect(rule.eval(MIN, q.ctx)).toEqual([]);
    const resolved = [...rule.active.values()][0];
    expect(resolved).toMatchObject({ state: 'inactive', resolvedAt: MIN, activeAt: 0 });
    rule.eval(MIN + RESOLVED_RETENTION_MS, q.ctx);
    expect(rule.active.size).toBe(1);
    rule.eval(MIN + RESOLVED_RETENTION_MS + 1, q.ctx);
    expect(rule.active.size).toBe(0);
  });

  it('starts a new alert with a new activeAt when a resolved one comes back', () => {
    const rule = alertingRule(spec({ forMs: 0 }));
    const q = scripted();
    q.set([freezer, -10]);
    rule.eval(0, q.ctx);
    q.set();
    rule.eval(MIN, q.ctx);
    q.set([freezer, -10]);
    rule.eval(2 * MIN, q.ctx);
    expect([...rule.active.values()].map((a) => [a.state, a.activeAt, a.resolvedAt])).toEqual([['firing', 2 * MIN, undefined]]);
  });

  it('keeps firing for keep_firing_for after the condition clears, then resolves', () => {
    const rule = alertingRule(spec({ forMs: 0, keepFiringForMs: 3 * MIN }));
    const q = scripted();
    q.set([freezer, -10]);
    rule.eval(0, q.ctx);
    q.set();
    for (const t of [MIN, 2 * MIN, 3 * MIN]) {
      const out = rule.eval(t, q.ctx);
      expect(out[0]?.labels.alertstate, `at ${t}`).toBe('firing');
      expect([...rule.active.values()][0]?.keepFiringSince).toBe(MIN);
    }
    rule.eval(4 * MIN, q.ctx);
    expect([...rule.active.values()][0]).toMatchObject({ state: 'inactive', resolvedAt: 4 * MIN });
  });

  it('ends keep_firing_for early when the condition returns, and counts it from the next clearing', () => {
    const rule = alertingRule(spec({ forMs: 0, keepFiringForMs: 2 * MIN }));
    const q = scripted();
    q.set([freezer, -10]);
    rule.eval(0, q.ctx);
    q.set();
    rule.eval(MIN, q.ctx);
    q.set([freezer, -10]);
    rule.eval(2 * MIN, q.ctx);
    expect([...rule.active.values()][0]).toMatchObject({ state: 'firing', keepFiringSince: undefined, activeAt: 0 });
    q.set();
    rule.eval(3 * MIN, q.ctx);
    rule.eval(4 * MIN, q.ctx);
    expect([...rule.active.values()][0]?.state).toBe('firing');
    rule.eval(5 * MIN, q.ctx);
    expect([...rule.active.values()][0]?.state).toBe('inactive');
  });

  it('refuses two results that become the same alert', () => {
    const rule = alertingRule(spec({ labels: {} }));
    const q = scripted();
    q.set([{ __name__: 'a', freezer: 'f1' }, 1], [{ __name__: 'b', freezer: 'f1' }, 2]);
    expect(() => rule.eval(0, q.ctx)).toThrow('vector contains metrics with the same labelset after applying alert labels');
  });

  it('drops every alert and fails when the group limit is exceeded', () => {
    const rule = alertingRule(spec());
    const q = scripted();
    q.set([{ freezer: 'f1' }, 1], [{ freezer: 'f2' }, 1]);
    expect(() => rule.eval(0, { ...q.ctx, limit: 1 })).toThrow('exceeded limit of 1 with 2 alerts');
    expect(rule.active.size).toBe(0);
  });

  it('expands templated labels into the alert identity, with $externalLabels', () => {
    const rule = alertingRule(spec({ forMs: 0, labels: { room: '{{ $labels.freezer }}-{{ $externalLabels.site }}', drop: '' } }));
    const q = scripted();
    q.set([freezer, -10]);
    rule.eval(0, q.ctx);
    expect([...rule.active.values()][0]?.labels).toEqual({ freezer: 'f1', room: 'f1-shop-17', alertname: 'FreezerWarm' });
  });

  it('writes results at ts - query_offset', () => {
    const rule = alertingRule(spec({ forMs: 0 }));
    const q = scripted();
    q.set([freezer, -10]);
    const out = rule.eval(10 * MIN, { ...q.ctx, queryOffsetMs: MIN });
    expect(out.map((s) => s.t)).toEqual([9 * MIN, 9 * MIN]);
  });
});

describe('what an alerting rule sends', () => {
  it('sends firing alerts, again after each resend delay, with validUntil of 4 × max(resend delay, interval)', () => {
    const rule = alertingRule(spec({ forMs: MIN }));
    const q = scripted();
    q.set([freezer, -10]);
    rule.eval(0, q.ctx);
    expect(rule.takeAlertsToSend(0, MIN, 15_000)).toEqual([]); // pending: nothing for Alertmanager
    rule.eval(MIN, q.ctx);
    const sent = rule.takeAlertsToSend(MIN, MIN, 15_000);
    expect(sent.map((a) => [a.state, a.lastSentAt, a.validUntil])).toEqual([['firing', MIN, MIN + 4 * MIN]]);
    expect(rule.takeAlertsToSend(MIN + 30_000, MIN, 15_000)).toEqual([]);
    expect(rule.takeAlertsToSend(2 * MIN, MIN, 15_000)).toEqual([]); // exactly one delay later: not yet
    expect(rule.takeAlertsToSend(2 * MIN + 1, MIN, 5 * MIN).map((a) => a.validUntil)).toEqual([2 * MIN + 1 + 20 * MIN]);
  });

  it('sends a resolution at once, then again with each resend delay while it is kept', () => {
    const rule = alertingRule(spec({ forMs: 0 }));
    const q = scripted();
    q.set([freezer, -10]);
    rule.eval(0, q.ctx);
    rule.takeAlertsToSend(0, MIN, MIN);
    q.set();
    rule.eval(10_000, q.ctx);
    expect(rule.takeAlertsToSend(10_000, MIN, MIN).map((a) => a.resolvedAt)).toEqual([10_000]);
    expect(rule.takeAlertsToSend(20_000, MIN, MIN)).toEqual([]);
    expect(rule.takeAlertsToSend(10_000 + MIN + 1, MIN, MIN)).toHaveLength(1);
  });
});
