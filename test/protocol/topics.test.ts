import { describe, expect, it } from 'vitest';
import { allAgents, isValidAgentId, metricsTopic, parseTopic, topicFor } from '../../protocol/topics.ts';

describe('topics', () => {
  it.each([
    ['a', 0],
    ['edge-01.site_b', 17],
    ['X'.repeat(64), Number.MAX_SAFE_INTEGER],
  ])('metricsTopic(%s, %d) parses back', (agent, seq) => {
    const topic = metricsTopic(agent, seq);
    expect(parseTopic(topic)).toEqual({ agent, kind: 'metrics', seq });
  });

  it.each(['ack', 'status', 'alerts'] as const)('topicFor(agent, %s) parses back without a seq', (kind) => {
    const parsed = parseTopic(topicFor('edge-1', kind));
    expect(parsed).toEqual({ agent: 'edge-1', kind });
    expect(parsed && 'seq' in parsed).toBe(false);
  });

  it('subscription filters are not topics anyone can publish on', () => {
    expect(allAgents('metrics')).toBe('outpost/v1/+/metrics/+');
    expect(parseTopic(allAgents('metrics'))).toBeUndefined();
    expect(parseTopic(allAgents('status'))).toBeUndefined();
  });

  it.each([
    'outpost/v1/+/status',
    'outpost/v1/#',
    'outpost/v1/a1/metrics/#',
    'outpost/v1/a1/metrics/+',
    'outpost/v1/a1/status/extra',
    'outpost/v1/a1/ack/',
    'outpost/v1/a1/metrics',
    'outpost/v1/a1/metrics/7/8',
    'outpost/v1/a1/metrics/007',
    'outpost/v1/a1/metrics/00',
    'outpost/v1/a1/metrics/-1',
    'outpost/v1/a1/metrics/1e3',
    'outpost/v1/a1/metrics/0x10',
    'outpost/v1/a1/metrics/ 7',
    'outpost/v1/a1/metrics/',
    'outpost/v1/a1/metrics/99999999999999999',
    'outpost/v1/a1/logs',
    'outpost/v2/a1/status',
    '/outpost/v1/a1/status',
    'outpost/v1//status',
    'outpost/v1/-a/status',
    'outpost/v1/a b/status',
    'outpost',
    '',
  ])('rejects %j', (topic) => {
    expect(parseTopic(topic)).toBeUndefined();
  });

  it('agent ids are one topic level of the allowed characters', () => {
    expect(isValidAgentId('a'.repeat(64))).toBe(true);
    expect(isValidAgentId('a'.repeat(65))).toBe(false);
    for (const id of ['a/b', 'a+', 'a#', '_a', '.a', 'é', 'a\u0000']) expect(isValidAgentId(id)).toBe(false);
  });
});
