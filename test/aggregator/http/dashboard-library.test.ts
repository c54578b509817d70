import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDashboardLibrary, type DashboardLibrary } from '../../../aggregator/http/dashboard-library.ts';
import { dashboardsApiRoutes } from '../../../aggregator/http/dashboards-api.ts';
import type { Logger } from '../../../protocol/log.ts';
import { eventually } from '../../helpers/process.ts';
import { tempDir } from '../../helpers/tmp.ts';

const dashboard = (title: string, expr = 'up') => JSON.stringify({ title, panels: [{ title: 'P', targets: [{ expr }] }] });

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) };
}

describe('the dashboard library', () => {
  let dir: ReturnType<typeof tempDir>;
  let library: DashboardLibrary | undefined;
  beforeEach(() => {
    dir = tempDir('dashboards');
  });
  afterEach(() => {
    library?.close();
    dir.remove();
  });
  const write = (name: string, text: string) => writeFileSync(join(dir.path, name), text);

  it('loads every valid *.json at start, by file name, and logs the others with file and reason', () => {
    write('b-host.json', dashboard('Host'));
    write('a_fleet.json', dashboard('Fleet'));
    write('broken.json', '{"title": "X",}');
    write('bad expr.json', dashboard('Bad name'));
    write('notes.txt', 'not a dashboard');
    mkdirSync(join(dir.path, 'grafana'));
    write('grafana/g.json', dashboard('Exported'));
    const log = recorder();
    library = openDashboardLibrary(dir.path, { log, watch: false });
    expect(library.list()).toEqual([
      { id: 'a_fleet', title: 'Fleet', tags: [], panels: 1, variables: [] },
      { id: 'b-host', title: 'Host', tags: [], panels: 1, variables: [] },
    ]);
    expect(library.get('b-host')?.title).toBe('Host');
    expect(library.get('broken')).toBeUndefined();
    expect(log.lines).toContain(
      `error dashboard not loaded: ${join(dir.path, 'broken.json')}: 1:15: invalid JSON: Expected double-quoted property name`,
    );
    expect(log.lines).toContain(`info 2 dashboards from ${dir.path}`);
  });

  it('follows the directory: new, changed and removed files; an invalid change keeps the version before', async () => {
    write('host.json', dashboard('Host v1'));
    const log = recorder();
    library = openDashboardLibrary(dir.path, { log });
    const lib = library;
    const title = (id: string) => lib.get(id)?.title;

    write('host.json', dashboard('Host v2'));
    await eventually(async () => (title('host') === 'Host v2' ? true : undefined), 5000, 'the change');
    expect(log.lines).toContain(`info dashboard host reloaded from ${join(dir.path, 'host.json')}`);

    write('host.json', dashboard('Host v3', 'sum(rate(x[5m])'));
    const reason = `error dashboard not reloaded, the version loaded before stays: ${join(dir.path, 'host.json')}: panels[0].targets[0].expr: 1:16: parse error: unclosed left parenthesis`;
    await eventually(async () => (log.lines.includes(reason) ? true : undefined), 5000, 'the refusal');
    expect(title('host')).toBe('Host v2');

    write('new.json', dashboard('New'));
    await eventually(async () => (title('new') === 'New' ? true : undefined), 5000, 'the new file');

    rmSync(join(dir.path, 'host.json'));
    await eventually(async () => (title('host') === undefined ? true : undefined), 5000, 'the removal');
    expect(lib.list().map((d) => d.id)).toEqual(['new']);
  });

  it('is empty, with a warning, when the directory does not exist', () => {
    const log = recorder();
    library = openDashboardLibrary(join(dir.path, 'missing'), { log });
    expect(library.list()).toEqual([]);
    expect(log.lines[0]).toBe(`warn no dashboards: cannot read ${join(dir.path, 'missing')} (ENOENT)`);
  });
});

describe('/api/dashboards', () => {
  const host = { title: 'Host', tags: ['t'], range: '1h', refresh: '30s', variables: [{ name: 'instance', query: 'label_values(instance)' }], panels: [] };
  const app = dashboardsApiRoutes({
    list: () => [{ id: 'host', title: 'Host', tags: ['t'], panels: 0, variables: ['instance'] }],
    get: (id) => (id === 'host' ? host : undefined),
  });

  it('lists the dashboards and serves one, in the API envelope', async () => {
    expect(await (await app.request('/api/dashboards')).json()).toEqual({
      status: 'success',
      data: [{ id: 'host', title: 'Host', tags: ['t'], panels: 0, variables: ['instance'] }],
    });
    expect(await (await app.request('/api/dashboards/host')).json()).toEqual({ status: 'success', data: { id: 'host', ...host } });
  });

  it('answers an unknown id with 404 in Prometheus error shape', async () => {
    const res = await app.request('/api/dashboards/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ status: 'error', errorType: 'not_found', error: 'no dashboard "nope": GET /api/dashboards lists them' });
  });
});
