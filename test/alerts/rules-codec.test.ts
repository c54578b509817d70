import { describe, expect, it } from 'vitest';
import { buildBatch } from '../../protocol/batch.ts';
import { decodeBatch, encodeBatch } from '../../protocol/codec.ts';
import { ProtocolError } from '../../protocol/errors.ts';
import type { RuleSnapshot } from '../../protocol/rules.ts';

const snapshot: RuleSnapshot = {
  t: 1_700_000_000_123,
  complete: true,
  externalLabels: { agent: 'edge-1', site: 'shop' },
  groups: [
    {
      file: '/etc/outpost/rules/edge.yml',
      name: 'freezer',
      intervalMs: 30_000,
      limit: 0,
      lastEvaluation: 1_700_000_000_000,
      evaluationTimeMs: 1.25,
      rules: [
        {
          type: 'alerting',
          name: 'FreezerWarm',
          query: 'freezer_temperature_celsius > -15',
          labels: { severity: 'critical' },
          health: 'ok',
          lastEvaluation: 1_700_000_000_000,
          evaluationTimeMs: 0.5,
          forMs: 300_000,
          keepFiringForMs: 0,
          annotations: { summary: '{{ $value }}' },
          alerts: [
            { labels: { alertname: 'FreezerWarm' }, annotations: { summary: 'NaN' }, state: 'firing', value: NaN, activeAt: 1_699_999_000_000, firedAt: 1_699_999_300_000 },
            { labels: { alertname: 'FreezerWarm', freezer: 'f2' }, annotations: {}, state: 'inactive', value: -Infinity, activeAt: 1, resolvedAt: 2 },
          ],
        },
        { type: 'recording', name: 'x:y', query: 'sum(x)', labels: {}, health: 'err', lastError: 'boom', evaluationTimeMs: 0 },
      ],
    },
  ],
};

describe('rule state in a batch', () => {
  it('round-trips through the wire format, NaN and infinite values included, next to samples or alone', () => {
    const alone = decodeBatch(encodeBatch(buildBatch('edge-1', 7, [], [], snapshot)));
    expect(alone.rules).toEqual(snapshot);
    expect(alone.samples).toEqual([]);
    const mixed = decodeBatch(encodeBatch(buildBatch('edge-1', 8, [{ labels: { __name__: 'up' }, t: 1, v: 1 }], [], snapshot)));
    expect(mixed.rules?.groups[0]?.rules[0]?.alerts?.[0]?.value).toBeNaN();
    expect(mixed.samples).toHaveLength(1);
    expect(decodeBatch(encodeBatch(buildBatch('edge-1', 9, [{ labels: { __name__: 'up' }, t: 1, v: 1 }]))).rules).toBeUndefined();
  });

  it.each([
    [{ ...snapshot, complete: 'yes' }, 'rules.complete: must be true or false'],
    [{ ...snapshot, externalLabels: { 'bad-name': 'x' } }, 'rules.externalLabels: invalid name "bad-name"'],
    [{ ...snapshot, groups: [{ ...snapshot.groups[0], intervalMs: 1.5 }] }, 'rules.groups[0].intervalMs: expected an integer'],
    [{ ...snapshot, groups: [{ ...snapshot.groups[0], rules: [{ ...snapshot.groups[0]?.rules[0], health: 'fine' }] }] }, 'rules.groups[0].rules[0].health: must be one of ok, err, unknown'],
    [{ ...snapshot, groups: [{ ...snapshot.groups[0], rules: [{ ...snapshot.groups[0]?.rules[0], alerts: [{ state: 'on' }] }] }] }, 'rules.groups[0].rules[0].alerts[0].state: must be one of pending, firing, inactive'],
  ])('refuses a malformed table, naming the field: %#', (rules, message) => {
    const payload = encodeBatch(buildBatch('edge-1', 1, [], [], rules as unknown as RuleSnapshot));
    expect(() => decodeBatch(payload)).toThrow(ProtocolError);
    expect(() => decodeBatch(payload)).toThrow(message);
  });
});
