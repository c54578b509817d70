// Bearer-token and Basic authentication for the HTTP API and dashboard. Exposed to anything that speaks HTTP:
// the dashboard page, Grafana's Prometheus data source (Basic auth, or a custom `Authorization: Bearer …` header)
// and promtool (--http.config.file with `authorization:` or `basic_auth:`).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { verifyPassword, type PasswordEntry } from '../ingest/credentials.ts';

export interface HttpAuthOptions {
  /** Any one of these is accepted as `Authorization: Bearer <token>`. */
  readonly tokens: readonly string[];
  /** HTTP Basic users; lookup() must return a new entry object whenever a password changes (credentials-file.ts does). */
  readonly users?: { lookup(user: string): PasswordEntry | undefined };
  /** Paths served to anyone, on top of OPEN_PATHS (e.g. /api/v1/write when the receiver checks its own token). */
  readonly extraOpenPaths?: readonly string[];
}

/**
 * Served without credentials: the health checks (load balancers and systemd probes carry none) and the page's own
 * static files, which hold no data (the same files as in the source tree) and must load to ask for credentials.
 */
export const OPEN_PATHS: readonly string[] = ['/-/healthy', '/-/ready', '/', '/favicon.ico'];
const OPEN_PREFIXES: readonly string[] = ['/ui/', '/assets/'];

export const REALM = 'Outpost';
/** Lists the schemes the aggregator accepts, for the dashboard's login form (the challenge may hide Basic from it). */
export const SCHEMES_HEADER = 'X-Outpost-Auth';

/** Verified Basic credentials, so a dashboard refresh does not pay a PBKDF2 run per panel. */
const CACHE_ENTRIES = 256;

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Compares digests of equal length: the time taken says nothing about how much of a token matched. */
function tokenMatcher(tokens: readonly string[]): (given: string) => boolean {
  const wanted = tokens.map(digest);
  return (given) => {
    const d = digest(given);
    let ok = false;
    for (const w of wanted) ok = timingSafeEqual(w, d) || ok;
    return ok;
  };
}

type BasicCheck = (user: string, password: string) => Promise<boolean>;

function basicChecker(users: NonNullable<HttpAuthOptions['users']>): BasicCheck {
  const verified = new Map<string, PasswordEntry>();
  return async (user, password) => {
    const key = digest(`${user}\0${password}`).toString('base64');
    const entry = users.lookup(user);
    // A reload replaces the entry objects, so a changed or removed password no longer matches its cached entry.
    if (entry !== undefined && verified.get(key) === entry) return true;
    if (!(await verifyPassword(entry, password))) return false;
    verified.delete(key);
    verified.set(key, entry as PasswordEntry);
    if (verified.size > CACHE_ENTRIES) verified.delete(verified.keys().next().value as string);
    return true;
  };
}

/** `user:password` from a Basic credential, or undefined when it is not one (RFC 7617: split at the first colon). */
export function parseBasic(credentials: string): { user: string; password: string } | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(credentials)) return undefined;
  const text = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

export function isOpenPath(path: string, extra: readonly string[] = []): boolean {
  return OPEN_PATHS.includes(path) || extra.includes(path) || OPEN_PREFIXES.some((p) => path.startsWith(p));
}

/**
 * Requires a valid `Authorization` header everywhere but the open paths. The 401 names every accepted scheme; for
 * the dashboard's own requests (X-Requested-With: XMLHttpRequest) the Basic challenge is spelled `xBasic`, so the
 * browser leaves the asking to the page instead of popping up its own login box.
 */
export function httpAuth(opts: HttpAuthOptions): MiddlewareHandler {
  const tokenOk = opts.tokens.length > 0 ? tokenMatcher(opts.tokens) : undefined;
  const basicOk = opts.users ? basicChecker(opts.users) : undefined;
  const schemes = [...(tokenOk ? ['bearer'] : []), ...(basicOk ? ['basic'] : [])];
  const extra = opts.extraOpenPaths ?? [];

  const authorized = async (header: string | undefined): Promise<boolean> => {
    const match = /^(\S+)\s+(\S+)\s*$/.exec(header ?? '');
    if (!match) return false;
    const scheme = (match[1] as string).toLowerCase();
    const credentials = match[2] as string;
    if (scheme === 'bearer') return tokenOk?.(credentials) ?? false;
    if (scheme !== 'basic' || !basicOk) return false;
    const basic = parseBasic(credentials);
    return basic !== undefined && basicOk(basic.user, basic.password);
  };

  return async (c, next) => {
    if (isOpenPath(c.req.path, extra) || (await authorized(c.req.header('Authorization')))) return next();
    const xhr = c.req.header('X-Requested-With') === 'XMLHttpRequest';
    const challenges = schemes.map((s) => (s === 'bearer' ? `Bearer realm="${REALM}"` : `${xhr ? 'xBasic' : 'Basic'} realm="${REALM}", charset="UTF-8"`));
    return c.text('Unauthorized: send Authorization: Bearer <token> or Basic credentials (README "Dashboard", access control)\n', 401, {
      'WWW-Authenticate': challenges.join(', '),
      [SCHEMES_HEADER]: schemes.join(', '),
      'Cache-Control': 'no-store',
    });
  };
}
