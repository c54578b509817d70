import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script, runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { dashboardRoutes } from '../../aggregator/http/dashboard.ts';

const app = dashboardRoutes();

const ASSETS: ReadonlyArray<readonly [string, string]> = [
  ['/', 'text/html'],
  ['/ui/app.js', 'text/javascript'],
  ['/ui/style.css', 'text/css'],
  ['/assets/uPlot.iife.min.js', 'text/javascript'],
  ['/assets/uPlot.min.css', 'text/css'],
];

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
    expect(html).toContain('id="query-error"');
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
    const refs = [...html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']*)["']/gi)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThanOrEqual(4);
    for (const ref of refs) {
      expect(ref, ref).toMatch(/^\/(?!\/)/);
      expect((await app.request(ref)).status, ref).toBe(200);
    }
    for (const path of ['/', '/ui/app.js', '/ui/style.css']) {
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
    const etag = (await app.request('/ui/app.js')).headers.get('etag')!;
    const res = await app.request('/ui/app.js', { headers: { 'If-None-Match': etag } });
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
    '/dashboards/ui/app.js',
    '/package.json',
  ])('does not serve %s', async (path) => {
    expect((await app.request(path)).status).toBe(404);
  });
});

describe('dashboard app.js', () => {
  interface Helpers {
    metricLabel(m: Record<string, string>): string;
    align(r: Array<{ values: Array<[number, string]> }>): Array<Array<number | null>>;
    stepFor(range: number): number;
    fmtAgo(ms: number | null, now: number): string;
  }

  async function helpers(): Promise<Helpers> {
    const src = await text('/ui/app.js');
    // Evaluated without a DOM: the script must skip its browser start-up and expose its pure helpers.
    return runInNewContext(`${src}\n;({ metricLabel, align, stepFor, fmtAgo })`, {}) as Helpers;
  }

  it('is a valid classic script', async () => {
    const src = await text('/ui/app.js');
    expect(() => new Script(src, { filename: 'app.js' })).not.toThrow();
  });

  it('formats series labels like Prometheus', async () => {
    const { metricLabel } = await helpers();
    expect(metricLabel({ __name__: 'node_load1', b: 'y', agent: 'x' })).toBe('node_load1{agent="x", b="y"}');
    expect(metricLabel({ __name__: 'up' })).toBe('up');
    expect(metricLabel({ job: 'a"b' })).toBe('{job="a\\"b"}');
  });

  it('aligns series on the union of timestamps, with null for gaps and non-finite values', async () => {
    const { align } = await helpers();
    const data = align([
      { values: [[10, '1'], [20, 'NaN'], [30, '3']] },
      { values: [[15, '+Inf'], [20, '2'], [30, '-Inf']] },
    ]);
    expect(JSON.parse(JSON.stringify(data))).toEqual([
      [10, 15, 20, 30],
      [1, null, null, 3],
      [null, null, 2, null],
    ]);
  });

  it('uses at most 240 points and at least a 1 s step', async () => {
    const { stepFor, fmtAgo } = await helpers();
    expect(stepFor(300)).toBe(2);
    expect(stepFor(60)).toBe(1);
    expect(stepFor(3600)).toBe(15);
    expect(stepFor(86400)).toBe(360);
    expect(fmtAgo(null, 0)).toBe('never');
    expect(fmtAgo(1_000, 43_000)).toBe('42 s ago');
  });
});
