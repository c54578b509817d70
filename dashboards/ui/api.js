// The aggregator's HTTP API as the pages use it. Credentials, when the aggregator asks for them, are kept in
// sessionStorage (gone when the tab closes) and sent with every request; a 401 opens the login form and the
// request is retried once the user has answered, so pages never deal with authentication themselves.

const AUTH_KEY = 'outpost.authorization';

export class ApiError extends Error {
  constructor(message, { status, errorType } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.errorType = errorType;
  }
}

export function storedAuthorization() {
  try {
    return sessionStorage.getItem(AUTH_KEY);
  } catch {
    return null; // Storage disabled: the user is asked again on every 401.
  }
}

export function storeAuthorization(value) {
  if (value == null) sessionStorage.removeItem(AUTH_KEY);
  else sessionStorage.setItem(AUTH_KEY, value);
}

let askLogin = null;
let pendingLogin = null;

/** `ask(schemes, rejected)` shows the login form and resolves once credentials are stored. */
export function setLoginHandler(ask) {
  askLogin = ask;
}

function login(schemes, rejected) {
  if (!askLogin) return Promise.reject(new ApiError('the aggregator asks for credentials', { status: 401 }));
  // Every request that meets a 401 while the form is open waits for the same answer.
  pendingLogin ??= askLogin(schemes, rejected).finally(() => {
    pendingLogin = null;
  });
  return pendingLogin;
}

export async function getJSON(path, params, signal) {
  const query = params ? `?${new URLSearchParams(params)}` : '';
  for (;;) {
    const sent = storedAuthorization();
    // X-Requested-With keeps the browser's own Basic-auth box away: the page asks instead (aggregator/http/auth.ts).
    const headers = { Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest' };
    if (sent) headers.Authorization = sent;
    const res = await fetch(path + query, { signal, headers });
    if (res.status === 401) {
      // Another request may have logged in while this one was under way: retry with what is stored now.
      if (storedAuthorization() !== sent) continue;
      const schemes = (res.headers.get('X-Outpost-Auth') || 'bearer').split(',').map((s) => s.trim()).filter(Boolean);
      await login(schemes, sent != null);
      continue;
    }
    let body;
    try {
      body = await res.json();
    } catch {
      throw new ApiError(`HTTP ${res.status} ${res.statusText}`.trim(), { status: res.status });
    }
    // Prometheus puts the useful message in the body, whatever the HTTP status.
    if (body && body.status === 'error') throw new ApiError(body.error || body.errorType || `HTTP ${res.status}`, { status: res.status, errorType: body.errorType });
    if (!res.ok || !body || body.status !== 'success') throw new ApiError(`HTTP ${res.status}: unexpected response`, { status: res.status });
    return body.data;
  }
}

export const api = {
  agents: (signal) => getJSON('/api/agents', null, signal),
  dashboards: (signal) => getJSON('/api/dashboards', null, signal),
  dashboard: (id, signal) => getJSON(`/api/dashboards/${encodeURIComponent(id)}`, null, signal),
  query: (query, time, signal) => getJSON('/api/v1/query', { query, ...(time != null ? { time: String(time) } : {}) }, signal),
  queryRange: (query, { start, end, step }, signal) => getJSON('/api/v1/query_range', { query, start: String(start), end: String(end), step: String(step) }, signal),
  parseQuery: (query, signal) => getJSON('/api/v1/parse_query', { query }, signal),
  labelValues: (label, start, end, signal) => getJSON(`/api/v1/label/${encodeURIComponent(label)}/values`, { start: String(start), end: String(end) }, signal),
  series: (match, start, end, signal) => getJSON('/api/v1/series', [['match[]', match], ['start', String(start)], ['end', String(end)]], signal),
  alerts: (signal) => getJSON('/api/v1/alerts', null, signal),
  rules: (signal) => getJSON('/api/v1/rules', { type: 'alert' }, signal),
};
