import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dashboardRoutes, UI_FILES } from '../../aggregator/http/dashboard.ts';

const app = dashboardRoutes();

const ASSETS: ReadonlyArray<readonly [string, string]> = [
  ['/', 'text/html'],
  ...UI_FILES.map((f) => [`/ui/${f}`, f.endsWith('.css') ? 'text/css' : 'text/javascript'] as const),
  ['/assets/uPlot.iife.min.js', 'text/javascript'],
  ['/assets/uPlot.min.css', 'text/css'],
];
const OWN = ['/', ...UI_FILES.map((f) => `/ui/${f}`)];

async function text(path: string): Promise<string> {
  const res = await app.request(path);
  expect(res.status).toBe(200);
  return res.text();
}

describe('dashboardRoutes', () => {
  it('serves the page as HTML titled Outpost', async () => {
    const res = await app.request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toMatch(/<title>Outpost<\/title>/);
    expect(html).toContain('<script type="module" src="/ui/main.js">');
    expect(html.indexOf('/assets/uPlot.iife.min.js')).toBeLessThan(html.indexOf('/ui/main.js'));
    expect(html).toContain('id="login"');
  });

  it.each(ASSETS)('serves %s with %s, caching headers and a body', async (path, type) => {
    const res = await app.request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain(type);
    expect(res.headers.get('cache-control')).toBeTruthy();
    expect(res.headers.get('etag')).toBeTruthy();
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });

  it('references only local assets, every one of them served', async () => {
    const html = await text('/');
    const refs = [...html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']*)["']/gi)].map((m) => m[1]!).filter((ref) => !ref.startsWith('#')); // in-page links to the router's pages
    expect(refs.length).toBeGreaterThanOrEqual(3);
    for (const ref of refs) {
      expect(ref, ref).toMatch(/^\/(?!\/)/);
      expect((await app.request(ref)).status, ref).toBe(200);
    }
    for (const path of OWN) {
      const body = await text(path);
      expect(body, path).not.toMatch(/https?:\/\//i);
      // Protocol-relative URLs would reach the network just the same.
      expect(body, path).not.toMatch(/(?:src|href)\s*=\s*["']\/\//i);
      expect(body, path).not.toMatch(/url\(\s*["']?\/\//i);
    }
  });

  it('serves uPlot straight from node_modules', async () => {
    const dist = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');
    expect(await text('/assets/uPlot.iife.min.js')).toBe(await readFile(join(dist, 'uPlot.iife.min.js'), 'utf8'));
    expect(await text('/assets/uPlot.min.css')).toBe(await readFile(join(dist, 'uPlot.min.css'), 'utf8'));
  });

  it('answers a matching If-None-Match with 304', async () => {
    const etag = (await app.request('/ui/main.js')).headers.get('etag')!;
    const res = await app.request('/ui/main.js', { headers: { 'If-None-Match': etag } });
    expect(res.status).toBe(304);
  });

  it('restricts the page to same-origin resources', async () => {
    const csp = (await app.request('/')).headers.get('content-security-policy');
    expect(csp).toContain("default-src 'self'");
  });

  it.each([
    '/ui/../../package.json',
    '/ui/%2e%2e/%2e%2e/package.json',
    '/ui/..%2f..%2fpackage.json',
    '/assets/..%2f..%2fpackage.json',
    '/ui/index.html',
    '/assets/uPlot.esm.js',
    '/dashboards/ui/main.js',
    '/ui/fleet-data.test.js',
    '/package.json',
  ])('does not serve %s', async (path) => {
    expect((await app.request(path)).status).toBe(404);
  });
});

describe('the page modules', () => {
  it('are every file in dashboards/ui, each served, and import only served modules', async () => {
    const dir = new URL('../../dashboards/ui/', import.meta.url);
    expect(readdirSync(dir).filter((f) => f !== 'index.html').sort()).toEqual([...UI_FILES].sort());
    for (const f of UI_FILES.filter((name) => name.endsWith('.js'))) {
      const src = await text(`/ui/${f}`);
      for (const [, spec] of src.matchAll(/^import .* from '([^']+)';$/gm)) {
        const path = new URL(spec!, `http://x/ui/${f}`).pathname;
        expect((await app.request(path)).status, `${f} imports ${spec}`).toBe(200);
      }
    }
  });
});
