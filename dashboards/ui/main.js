// The dashboard's entry point: a hash router (#/, #/d/<id>, #/dashboards, #/alerts, #/explore) whose pages render
// into <main id="page"> and are torn down, requests and timers included, when the user moves on.
import { setLoginHandler, storedAuthorization, storeAuthorization } from './api.js';
import { askForCredentials } from './auth.js';
import { message } from './dom.js';
import * as alerts from './alerts.js';
import * as dashboardList from './dashboard-list.js';
import * as dashboardPage from './dashboard-page.js';
import * as explore from './explore.js';
import * as overview from './overview.js';

const ROUTES = [
  { path: /^\/?$/, page: overview, nav: () => 'overview', title: () => 'Fleet' },
  { path: /^\/d\/([A-Za-z0-9_-]+)$/, page: dashboardPage, nav: (id) => (id === 'host' ? 'host' : 'dashboards'), title: (id) => id },
  { path: /^\/dashboards$/, page: dashboardList, nav: () => 'dashboards', title: () => 'Dashboards' },
  { path: /^\/alerts$/, page: alerts, nav: () => 'alerts', title: () => 'Alerts' },
  { path: /^\/explore$/, page: explore, nav: () => 'explore', title: () => 'Explore' },
];

let current = null;

function teardown() {
  if (!current) return;
  current.controller.abort();
  for (const fn of current.cleanups.splice(0)) fn();
  current = null;
}

function status(text, isError) {
  const el = document.getElementById('status');
  el.textContent = text || '';
  el.className = isError ? 'error' : 'muted';
}

function route() {
  teardown();
  const raw = location.hash.replace(/^#/, '');
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  const root = document.getElementById('page');
  root.replaceChildren();
  const found = ROUTES.map((r) => ({ r, m: r.path.exec(path) })).find((x) => x.m);
  if (!found) {
    root.append(message(`No page at #${path}.`, 'error'));
    return;
  }
  const arg = found.m[1];
  const controller = new AbortController();
  const cleanups = [];
  current = { controller, cleanups };
  const nav = found.r.nav(arg);
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.nav === nav);
  document.title = `${found.r.title(arg)} · Outpost`;
  root.dataset.page = nav;
  status('');
  const ctx = {
    signal: controller.signal,
    params,
    arg,
    /** New URL state for this page (shareable, and Back returns to the old one); the page is drawn again. */
    navigate(next) {
      const qs = new URLSearchParams(Object.entries(next).filter(([, v]) => v != null && v !== '')).toString();
      const hash = `#${path}${qs ? `?${qs}` : ''}`;
      // The same state again (Run pressed twice) fires no hashchange: draw the page anew directly.
      if (location.hash === hash) route();
      else location.hash = hash;
    },
    onCleanup: (fn) => cleanups.push(fn),
    /** Runs `fn` every `ms` (chained, so a slow aggregator never gets overlapping requests); hidden tabs skip. */
    every(ms, fn) {
      if (!(ms > 0)) return;
      let timer;
      const tick = async () => {
        if (!document.hidden) await fn().catch((err) => controller.signal.aborted || status(err.message, true));
        if (!controller.signal.aborted) timer = setTimeout(tick, ms);
      };
      timer = setTimeout(tick, ms);
      cleanups.push(() => clearTimeout(timer));
    },
    updated: () => status(`updated ${new Date().toLocaleTimeString()}`),
    failed: (err) => status(err.message, true),
  };
  Promise.resolve()
    .then(() => found.r.page.render(root, ctx))
    .catch((err) => {
      if (controller.signal.aborted) return;
      root.append(message(err.message, 'error'));
      status(err.message, true);
    });
}

function showSignOut() {
  const button = document.getElementById('sign-out');
  button.hidden = !storedAuthorization();
  button.onclick = () => {
    storeAuthorization(null);
    button.hidden = true;
    route();
  };
}

setLoginHandler(async (schemes, rejected) => {
  await askForCredentials(schemes, rejected);
  showSignOut();
});
window.addEventListener('hashchange', route);
showSignOut();
route();
