import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';

interface Asset {
  readonly body: Uint8Array<ArrayBuffer>;
  readonly etag: string;
}

interface StaticRoute {
  readonly path: string;
  readonly file: () => URL | string;
  readonly type: string;
  readonly cache: string;
  readonly html?: boolean;
}

const UI_DIR = new URL('../../dashboards/ui/', import.meta.url);

// Resolved on first use so a broken uplot install only fails its two routes, not aggregator start-up.
function uplotFile(name: string): string {
  const pkg = createRequire(import.meta.url).resolve('uplot/package.json');
  return join(dirname(pkg), 'dist', name);
}

// Our files keep fixed names across releases, so browsers must revalidate (a cheap 304 via ETag);
// uPlot only changes with a dependency bump, so a day of caching is safe.
const REVALIDATE = 'no-cache';
const VENDOR = 'public, max-age=86400';

// Enforces the "no CDN" rule in the browser too: anything not served by the aggregator is blocked.
const CSP = "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The page's files: every one listed here, and nothing else in dashboards/ui/, is served under /ui/. */
export const UI_FILES = [
  'style.css',
  'main.js',
  'api.js',
  'auth.js',
  'dom.js',
  'controls.js',
  'chart.js',
  'format.js',
  'series.js',
  'variables.js',
  'promql-error.js',
  'alerts-data.js',
  'fleet-data.js',
  'overview.js',
  'dashboard-list.js',
  'dashboard-page.js',
  'alerts.js',
  'explore.js',
] as const;

const TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };
const typeOf = (name: string) => TYPES[name.slice(name.lastIndexOf('.') + 1)] as string;

// A fixed table rather than a static directory handler: nothing outside it can ever be served.
const ROUTES: readonly StaticRoute[] = [
  { path: '/', file: () => new URL('index.html', UI_DIR), type: 'text/html; charset=utf-8', cache: REVALIDATE, html: true },
  ...UI_FILES.map((name) => ({ path: `/ui/${name}`, file: () => new URL(name, UI_DIR), type: typeOf(name), cache: REVALIDATE })),
  // The minified build (51 kB against the ES module's 145 kB): a classic script that defines the global uPlot.
  { path: '/assets/uPlot.iife.min.js', file: () => uplotFile('uPlot.iife.min.js'), type: TYPES.js as string, cache: VENDOR },
  { path: '/assets/uPlot.min.css', file: () => uplotFile('uPlot.min.css'), type: TYPES.css as string, cache: VENDOR },
];

// Shared by every app instance: each file is read once per process.
const loaded = new Map<string, Promise<Asset>>();

function load(route: StaticRoute): Promise<Asset> {
  let pending = loaded.get(route.path);
  if (!pending) {
    pending = Promise.resolve()
      .then(() => readFile(route.file()))
      .then((buf) => ({
        body: new Uint8Array(buf),
        etag: `"${createHash('sha1').update(buf).digest('base64url')}"`,
      }));
    // A failed read (say, mid-deploy) is retried on the next request instead of being cached forever.
    pending.catch(() => loaded.delete(route.path));
    loaded.set(route.path, pending);
  }
  return pending;
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}

/** Routes for the built-in dashboard page, its modules and style, and the vendored uPlot files. */
export function dashboardRoutes(): Hono {
  const app = new Hono();
  for (const route of ROUTES) {
    app.get(route.path, async (c) => {
      const asset = await load(route);
      const headers: Record<string, string> = {
        'Content-Type': route.type,
        'Cache-Control': route.cache,
        ETag: asset.etag,
        'X-Content-Type-Options': 'nosniff',
      };
      if (route.html) headers['Content-Security-Policy'] = CSP;
      if (etagMatches(c.req.header('If-None-Match'), asset.etag)) return c.body(null, 304, headers);
      return c.body(asset.body, 200, headers);
    });
  }
  // Browsers ask for a favicon whatever the page says; answer without a 404 in the console.
  app.get('/favicon.ico', (c) => c.body(null, 204, { 'Cache-Control': 'public, max-age=86400' }));
  return app;
}
