// The dashboard in a real browser (Debian's chromium) against a real aggregator and two real agents.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peer } from '../helpers/peers.ts';
import { eventually } from '../helpers/process.ts';
import { chartIn, launchChromium, openPage, screenshot, type WatchedPage } from './browser.ts';
import { HOSTS, startRig, type Rig } from './rig.ts';

const CHROMIUM = peer('chromium', 'chromium');

/** What Prometheus answers at /api/v1/alerts while rules fire; served in place of the aggregator's own answer. */
const CANNED_ALERTS = {
  status: 'success',
  data: {
    alerts: [
      { labels: { alertname: 'HighLoad', instance: 'host-a', severity: 'warning' }, annotations: { summary: 'host-a is busy', description: 'load1 above 4 for 10m' }, state: 'firing', activeAt: new Date(Date.now() - 600_000).toISOString(), value: '5.25e+00' },
      { labels: { alertname: 'QueueGrowing', agent: 'host-a' }, annotations: { summary: 'backlog' }, state: 'firing', activeAt: new Date().toISOString(), value: '12' },
      { labels: { alertname: 'DiskFilling', instance: 'host-b', mountpoint: '/' }, annotations: { summary: 'disk 91% full' }, state: 'pending', activeAt: new Date().toISOString(), value: '91' },
    ],
  },
};

const NO_ALERTS = { status: 'success', data: { alerts: [] } };
const isPath = (path: string) => (url: URL) => url.pathname === path;

describe.skipIf(CHROMIUM === undefined)('the dashboard in chromium', () => {
  let rig: Rig;
  let browser: Browser;
  const opened: WatchedPage[] = [];
  const open = async (authorization?: string | null) => {
    const w = await openPage(browser, authorization === null ? undefined : (authorization ?? `Bearer ${rig.token}`));
    opened.push(w);
    return w;
  };
  const cells = (w: WatchedPage, agent: string) => w.page.locator(`#fleet tbody tr[data-agent="${agent}"] td`).allTextContents();

  beforeAll(async () => {
    [rig, browser] = await Promise.all([startRig(), launchChromium(CHROMIUM as string)]);
  });

  afterAll(async () => {
    // Uncaught exceptions anywhere fail the suite, even in a test that passed.
    const errors = opened.flatMap((w) => w.errors);
    await browser?.close();
    await rig?.close();
    expect(errors).toEqual([]);
  });

  it('fleet overview: every agent online, with last seen, queue backlog, load and firing alerts', async () => {
    const w = await open();
    // Whatever the aggregator's own rules make of a busy test machine, this test wants a known alert count.
    await w.page.route(isPath('/api/v1/alerts'), (route) => route.fulfill({ json: NO_ALERTS }));
    await w.page.goto(`${rig.url}/#/`);
    const row = await eventually(async () => {
      const [a, b] = await Promise.all(HOSTS.map((h) => cells(w, h.id)));
      // CPU needs two samples for a rate; once it shows, every column has data.
      const filled = (row: string[] | undefined) => row?.length === 10 && row[4] !== '–' && row[6] !== '–';
      return filled(a) && filled(b) ? a : undefined;
    }, 30_000, 'both agents with metrics');
    const [agent, status, seen, batches, bytes, oldest, cpu, memory, firing, samples] = row;
    expect([agent, status]).toEqual(['host-a', 'online']);
    expect(seen).toMatch(/^\d+ s ago$/);
    expect(batches).toMatch(/^\d+$/);
    expect(bytes).toMatch(/^[\d.]+ (B|KiB|MiB)$/);
    expect(oldest).toMatch(/^[\d.]+ (s|ms)$|^0 s$/);
    expect(cpu).toMatch(/^[\d.]+ %$/);
    expect(memory).toMatch(/^[\d.]+ %$/);
    expect(firing).toBe('0');
    expect(Number(samples!.replace(/\D/g, ''))).toBeGreaterThan(100);
    expect(await w.page.locator('#card-online .card-value').textContent()).toBe('2 / 2');
    expect(await w.page.locator('#card-firing .card-value').textContent()).toBe('0');
    await screenshot(w.page, 'overview');
  });

  it('host dashboard: every panel draws real series, temperatures included', async () => {
    const w = await open();
    await w.page.goto(`${rig.url}/#/d/host?range=5m`);
    await w.page.locator('#panels .panel').first().waitFor();
    const titles = await w.page.locator('#panels .panel h3').allTextContents();
    expect(titles).toEqual(['CPU busy by mode', 'Load average', 'Memory', 'Disk space used', 'Disk I/O', 'Network', 'Temperature']);
    for (let i = 0; i < titles.length; i++) {
      const chart = await eventually(async () => {
        const c = await chartIn(w.page, `.panel[data-panel="${i}"] .chart`);
        return c && c.points.some((n) => n >= 2) ? c : undefined;
      }, 20_000, `panel ${titles[i]} to draw`);
      expect(chart.labels.length, titles[i]).toBe(Number(await w.page.locator(`.panel[data-panel="${i}"]`).getAttribute('data-series')));
      expect(chart.inked, `${titles[i]}: pixels of the first series`).toBeGreaterThan(0);
    }
    const temps = (await chartIn(w.page, '.panel[data-panel="6"] .chart'))!;
    expect(temps.labels).toEqual(['coretemp temp1', 'zone 0 (x86_pkg_temp)']);
    expect(temps.latest).toEqual([HOSTS[0].hwmonMilli / 1000, HOSTS[0].zoneMilli / 1000]);
    const memory = (await chartIn(w.page, '.panel[data-panel="2"] .chart'))!;
    expect(memory.labels).toEqual(['used', 'available', 'total']);
    expect(memory.latest[0]! + memory.latest[1]!).toBeCloseTo(memory.latest[2]!, -3);
    await screenshot(w.page, 'host');
  });

  it('host dashboard: choosing another $instance shows that host\'s data', async () => {
    const w = await open();
    await w.page.goto(`${rig.url}/#/d/host?range=5m&var-instance=host-a`);
    const select = w.page.locator('#var-instance');
    await select.waitFor();
    expect(await select.locator('option').allTextContents()).toEqual(HOSTS.map((h) => h.id));
    const latest = () => chartIn(w.page, '.panel[data-panel="6"] .chart').then((c) => c?.latest);
    await eventually(async () => ((await latest())?.[0] === 45 ? true : undefined), 20_000, 'host-a temperatures');
    await select.selectOption('host-b');
    await eventually(async () => ((await latest())?.[0] === HOSTS[1].hwmonMilli / 1000 ? true : undefined), 20_000, 'host-b temperatures');
    expect(await latest()).toEqual([HOSTS[1].hwmonMilli / 1000, HOSTS[1].zoneMilli / 1000]);
    expect(w.page.url()).toContain('var-instance=host-b');
  });

  it('dashboards list leads to the agent pipelines dashboard, one series per agent', async () => {
    const w = await open();
    await w.page.goto(`${rig.url}/#/dashboards`);
    expect(await w.page.locator('#dashboard-list a').allTextContents()).toEqual(['Agent pipelines', 'Host']);
    await w.page.locator('#dashboard-list a', { hasText: 'Agent pipelines' }).click();
    const chart = await eventually(async () => {
      const c = await chartIn(w.page, '.panel[data-panel="0"] .chart');
      return c && c.labels.length === HOSTS.length ? c : undefined;
    }, 20_000, 'queued batches per agent');
    expect(chart.labels).toEqual(HOSTS.map((h) => h.id));
  });

  it('alerts: the empty state, and the counts the aggregator itself reports', async () => {
    const w = await open();
    await w.page.route(isPath('/api/v1/alerts'), (route) => route.fulfill({ json: NO_ALERTS }));
    await w.page.route(isPath('/api/v1/rules'), (route) => route.fulfill({ json: { status: 'success', data: { groups: [] } } }));
    await w.page.goto(`${rig.url}/#/alerts`);
    await w.page.locator('#alerts').waitFor();
    expect(await w.page.locator('#alerts tbody').textContent()).toBe('No alerts are firing or pending.');
    expect(await w.page.locator('#alerts-summary').textContent()).toBe('0 firing, 0 pending · 0 alerting rules loaded');
    expect(await w.page.locator('#page').textContent()).toContain('The aggregator evaluates no alerting rules yet.');

    // The real endpoints: the page says what they say.
    await w.page.unrouteAll();
    const alerts = ((await (await rig.get('/api/v1/alerts')).json()) as { data: { alerts: Array<{ state: string }> } }).data.alerts;
    const groups = ((await (await rig.get('/api/v1/rules?type=alert')).json()) as { data: { groups: Array<{ rules: unknown[] }> } }).data.groups;
    const firing = alerts.filter((a) => a.state === 'firing').length;
    const pending = alerts.filter((a) => a.state === 'pending').length;
    await w.page.reload();
    await eventually(
      async () => ((await w.page.locator('#alerts-summary').textContent()) === `${firing} firing, ${pending} pending · ${groups.flatMap((g) => g.rules).length} alerting rules loaded` ? true : undefined),
      10_000,
      'the summary of the real alerts',
    );
  });

  it('alerts: firing and pending alerts with labels and annotations, counted per agent on the overview', async () => {
    const w = await open();
    await w.page.route(isPath('/api/v1/alerts'), (route) => route.fulfill({ json: CANNED_ALERTS }));
    await w.page.goto(`${rig.url}/#/alerts`);
    await w.page.locator('#alerts tbody tr[data-state]').first().waitFor();
    const rows = w.page.locator('#alerts tbody tr');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.state))).toEqual(['firing', 'firing', 'pending']);
    expect(await rows.nth(0).locator('td').allTextContents()).toEqual([
      'firing',
      'HighLoad',
      'instance=host-aseverity=warning',
      'descriptionload1 above 4 for 10msummaryhost-a is busy',
      '10 min ago',
      '5.25',
    ]);
    expect(await w.page.locator('#alerts-summary').textContent()).toMatch(/^2 firing, 1 pending · \d+ alerting rules loaded$/);
    await screenshot(w.page, 'alerts');
    await w.page.goto(`${rig.url}/#/`);
    await eventually(async () => ((await cells(w, 'host-a'))[8] === '2' ? true : undefined), 10_000, 'firing count on host-a');
    expect((await cells(w, 'host-b'))[8]).toBe('0');
    expect(await w.page.locator('#card-firing .card-value').textContent()).toBe('2');
  });

  it('explore: a query as a graph and as a table, with a chosen step', async () => {
    const w = await open();
    await w.page.goto(`${rig.url}/#/explore?q=node_load1&range=5m`);
    const chart = await eventually(async () => {
      const c = await chartIn(w.page, '#explore-chart');
      return c && c.labels.length === HOSTS.length ? c : undefined;
    }, 20_000, 'the graph');
    expect(chart.labels).toEqual(HOSTS.map((h) => `node_load1{instance="${h.id}", job="node"}`));
    expect(chart.inked).toBeGreaterThan(0);
    await w.page.fill('#step', '10s');
    await w.page.press('#expr', 'Enter');
    await eventually(async () => ((await w.page.locator('#explore-note').textContent())?.startsWith('2 series, step 10 s') ? true : undefined), 10_000, 'step 10 s');
    await screenshot(w.page, 'explore-graph');
    await w.page.locator('input[name="view"][value="table"]').check();
    await w.page.locator('#explore-table').waitFor();
    const rows = await w.page.locator('#explore-table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    expect(rows.map((r) => r[0])).toEqual(HOSTS.map((h) => `node_load1{instance="${h.id}", job="node"}`));
    for (const r of rows) expect(Number(r[1])).toBeGreaterThanOrEqual(0);
  });

  it("explore: a syntax error shows the parser's message and marks its position", async () => {
    const w = await open();
    await w.page.goto(`${rig.url}/#/explore`);
    const query = 'sum(rate(node_load1[5m])';
    await w.page.fill('#expr', query);
    await w.page.press('#expr', 'Enter');
    const box = w.page.locator('#explore-error');
    await box.waitFor();
    expect(await box.locator('.error-text').textContent()).toBe('invalid parameter "query": 1:25: parse error: unclosed left parenthesis');
    expect([await box.getAttribute('data-line'), await box.getAttribute('data-column')]).toEqual(['1', '25']);
    expect(await box.locator('.error-mark').textContent()).toBe(`1 | ${query} \n${' '.repeat(4 + 24)}^ unclosed left parenthesis`);
    expect(await w.page.locator('#expr').evaluate((el: HTMLTextAreaElement) => [el.selectionStart, el.className])).toEqual([24, 'invalid']);
    await screenshot(w.page, 'explore-error');
    // While typing, before anything runs: parse_query marks the mistake on the second line.
    await w.page.fill('#expr', 'node_load1 +\n  on(instance node_load5');
    await eventually(async () => ((await box.getAttribute('data-line')) === '2' ? true : undefined), 10_000, 'the live check');
    expect(await box.locator('.error-text').textContent()).toMatch(/^invalid parameter "query": 2:\d+: parse error: /);
    await w.page.fill('#expr', 'node_load1');
    await eventually(async () => ((await box.isHidden()) ? true : undefined), 10_000, 'the error to clear');
  });

  it('auth: the API refuses a request without credentials, and the page asks for a token', async () => {
    const bare = await fetch(`${rig.url}/api/v1/query?query=up`);
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toContain('Bearer realm="Outpost"');
    const basic = `Basic ${Buffer.from(`${rig.user}:${rig.password}`).toString('base64')}`;
    expect((await fetch(`${rig.url}/api/v1/query?query=up`, { headers: { Authorization: basic } })).status).toBe(200);
    expect((await fetch(`${rig.url}/-/healthy`)).status).toBe(200);

    const w = await open(null);
    const denied: number[] = [];
    w.page.on('response', (r) => r.url().includes('/api/') && r.status() === 401 && denied.push(r.status()));
    await w.page.goto(`${rig.url}/#/`);
    const dialog = w.page.locator('#login');
    await dialog.waitFor();
    expect(denied.length).toBeGreaterThan(0);
    expect(await w.page.locator('#login-token-input').isVisible()).toBe(true);
    expect(await w.page.locator('#login-user').isVisible()).toBe(true);
    expect(await w.page.locator('#fleet').count()).toBe(0);
    await screenshot(w.page, 'login');
    await w.page.fill('#login-token-input', 'not-the-token');
    await w.page.click('#login-form button[type="submit"]');
    await eventually(async () => ((await w.page.locator('#login-error').textContent()) === 'Those credentials were not accepted.' ? true : undefined), 10_000, 'the refusal');
    expect(await dialog.isVisible()).toBe(true);
    await w.page.fill('#login-token-input', rig.token);
    await w.page.click('#login-form button[type="submit"]');
    await w.page.locator('#fleet tbody tr[data-agent="host-a"]').waitFor();
    expect(await dialog.isVisible()).toBe(false);
    expect(await w.page.evaluate(() => sessionStorage.getItem('outpost.authorization'))).toBe(`Bearer ${rig.token}`);

    // Basic credentials work through the same form; the browser's own login box never shows (it would block here).
    const b = await open(null);
    await b.page.goto(`${rig.url}/#/alerts`);
    await b.page.locator('#login').waitFor();
    await b.page.fill('#login-user', rig.user);
    await b.page.fill('#login-password', rig.password);
    await b.page.click('#login-form button[type="submit"]');
    await b.page.locator('#alerts').waitFor();
    expect(await b.page.evaluate(() => sessionStorage.getItem('outpost.authorization'))).toBe(basic);
  });
});
