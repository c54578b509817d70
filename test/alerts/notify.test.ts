import { describe, expect, it } from 'vitest';
import type { Logger } from '../../protocol/log.ts';
import { alertmanagerSender, toAlertmanagerAlert, type AlertmanagerAlert } from '../../promql/rules/notify.ts';

const quiet: Logger & { lines: string[] } = {
  lines: [],
  info(m) {
    this.lines.push(m);
  },
  warn(m) {
    this.lines.push(m);
  },
  error(m) {
    this.lines.push(m);
  },
};

const T = Date.UTC(2024, 0, 2, 3, 4, 5);

describe('alerts as Alertmanager takes them', () => {
  it('starts when the alert fired and ends at validUntil while firing; external labels fill in, never override', () => {
    const a = toAlertmanagerAlert(
      { labels: { alertname: 'Hot', site: 'own' }, annotations: { summary: 's' }, firedAt: T, resolvedAt: undefined, validUntil: T + 240_000 },
      'temp > 30',
      { agent: 'edge-1', site: 'external' },
      'http://outpost:9470',
    );
    expect(a).toEqual({
      labels: { alertname: 'Hot', site: 'own', agent: 'edge-1' },
      annotations: { summary: 's' },
      startsAt: '2024-01-02T03:04:05.000Z',
      endsAt: '2024-01-02T03:08:05.000Z',
      generatorURL: 'http://outpost:9470/graph?g0.expr=temp+%3E+30&g0.tab=1',
    });
  });

  it('ends a resolved alert at its resolution', () => {
    const a = toAlertmanagerAlert({ labels: {}, annotations: {}, firedAt: T, resolvedAt: T + 1000, validUntil: T + 240_000 }, 'up', {}, '');
    expect(a.endsAt).toBe('2024-01-02T03:04:06.000Z');
  });
});

function fakeAlertmanager(answers: (number | 'down')[]) {
  const calls: { url: string; body: AlertmanagerAlert[] }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, body: JSON.parse(init.body as string) });
    const answer = answers.shift() ?? 200;
    if (answer === 'down') throw new TypeError('fetch failed');
    return new Response('', { status: answer });
  }) as unknown as typeof globalThis.fetch;
  return { calls, fetch };
}

const alert = (name: string): AlertmanagerAlert => ({ labels: { alertname: name }, annotations: {}, startsAt: '', endsAt: '', generatorURL: '' });

describe('sending to Alertmanager', () => {
  it('POSTs JSON arrays to /api/v2/alerts and retries a failed request with a growing delay', async () => {
    const am = fakeAlertmanager(['down', 503, 200]);
    const sender = alertmanagerSender({ urls: ['http://am:9093/'], log: quiet, fetch: am.fetch, retryDelayMs: 1 });
    sender.send([alert('A'), alert('B')]);
    await sender.flush();
    expect(am.calls.map((c) => c.url)).toEqual(Array(3).fill('http://am:9093/api/v2/alerts'));
    expect(am.calls[2]?.body.map((a) => a.labels.alertname)).toEqual(['A', 'B']);
    expect(sender.counters).toEqual({ sent: 2, failed: 0, dropped: 0 });
  });

  it('gives up after the last attempt, and does not retry what Alertmanager refused as invalid', async () => {
    const down = fakeAlertmanager(['down', 'down', 'down']);
    const s1 = alertmanagerSender({ urls: ['http://am:9093'], log: quiet, fetch: down.fetch, retryDelayMs: 1, attempts: 3 });
    s1.send([alert('A')]);
    await s1.flush();
    expect(down.calls).toHaveLength(3);
    expect(s1.counters.failed).toBe(1);
    const refusing = fakeAlertmanager([400]);
    const s2 = alertmanagerSender({ urls: ['http://am:9093'], log: quiet, fetch: refusing.fetch, retryDelayMs: 1 });
    s2.send([alert('A')]);
    await s2.flush();
    expect(refusing.calls).toHaveLength(1);
    expect(quiet.lines.at(-1)).toContain('refused 1 alerts (HTTP 400); not retried');
  });

  it('sends to every Alertmanager; one taking the alerts is enough', async () => {
    const am = fakeAlertmanager([]);
    const calls: string[] = [];
    const fetch = (async (url: string, init: RequestInit) => {
      calls.push(url);
      if (url.startsWith('http://down')) throw new TypeError('fetch failed');
      return am.fetch(url, init);
    }) as unknown as typeof globalThis.fetch;
    const sender = alertmanagerSender({ urls: ['http://down:9093', 'http://up:9093'], log: quiet, fetch, retryDelayMs: 1, attempts: 2 });
    sender.send([alert('A')]);
    await sender.flush();
    expect(calls.filter((u) => u.startsWith('http://up'))).toHaveLength(1);
    expect(calls.filter((u) => u.startsWith('http://down'))).toHaveLength(2);
    expect(sender.counters.sent).toBe(1);
  });

  it('batches at most batchSize alerts per request and drops the oldest past the queue bound, counting them', async () => {
    const am = fakeAlertmanager([]);
    const sender = alertmanagerSender({ urls: ['http://am'], log: quiet, fetch: am.fetch, batchSize: 2, maxQueue: 3 });
    sender.send(['A', 'B', 'C', 'D', 'E'].map(alert));
    await sender.flush();
    expect(am.calls.map((c) => c.body.map((a) => a.labels.alertname))).toEqual([['C', 'D'], ['E']]);
    expect(sender.counters).toEqual({ sent: 3, failed: 0, dropped: 2 });
  });
});
