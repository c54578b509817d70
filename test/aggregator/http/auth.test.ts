import { describe, expect, it } from 'vitest';
import { createApp } from '../../../aggregator/http/app.ts';
import { httpAuth, parseBasic } from '../../../aggregator/http/auth.ts';
import type { AgentRegistry } from '../../../aggregator/ingest/agent-registry.ts';
import { hashPassword, parseCredentials, type PasswordEntry } from '../../../aggregator/ingest/credentials.ts';
import type { Storage } from '../../../aggregator/store/storage.ts';
import { DEFAULT_ENGINE } from '../../../promql/engine.ts';

const TOKENS = ['first-token-0123456789', 'second-token-0123456789'];

/** A users file's entries, looked up as the credential store does. */
async function users(entries: Record<string, string>): Promise<{ lookup(user: string): PasswordEntry | undefined }> {
  const lines = await Promise.all(Object.entries(entries).map(async ([u, p]) => `${u}:${await hashPassword(p, 1000)}`));
  const parsed = parseCredentials(lines.join('\n'), 'users');
  return { lookup: (user) => parsed.get(user) };
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** The real app, with auth in front; the storage is never reached by the requests made here. */
function app(auth: ReturnType<typeof httpAuth>) {
  const registry = { list: () => [{ agent: 'pi-1', online: true }] } as unknown as AgentRegistry;
  return createApp({ storage: {} as Storage, registry, now: () => 0, engine: DEFAULT_ENGINE, ready: () => true, auth });
}

describe('HTTP auth', () => {
  it('refuses the API without credentials, naming every accepted scheme', async () => {
    const a = app(httpAuth({ tokens: TOKENS, users: await users({ viewer: 'pw' }) }));
    for (const path of ['/api/agents', '/api/v1/query?query=up', '/api/v1/labels', '/api/dashboards', '/federate', '/api/v1/status/config', '/no-such-page']) {
      const res = await a.request(path);
      expect(res.status, path).toBe(401);
      expect(res.headers.get('www-authenticate'), path).toBe('Bearer realm="Outpost", Basic realm="Outpost", charset="UTF-8"');
      expect(res.headers.get('x-outpost-auth')).toBe('bearer, basic');
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('spells the Basic challenge xBasic for the page, so the browser does not pop up its own login box', async () => {
    const a = app(httpAuth({ tokens: [], users: await users({ viewer: 'pw' }) }));
    const res = await a.request('/api/agents', { headers: { 'X-Requested-With': 'XMLHttpRequest' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('xBasic realm="Outpost", charset="UTF-8"');
    expect(res.headers.get('x-outpost-auth')).toBe('basic');
  });

  it('accepts any configured bearer token, and no other', async () => {
    const a = app(httpAuth({ tokens: TOKENS }));
    for (const token of TOKENS) {
      const res = await a.request('/api/agents', { headers: { Authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect((await res.json()).data[0].agent).toBe('pi-1');
    }
    // The scheme name is case-insensitive (RFC 9110 §11.1); the token is not.
    expect((await a.request('/api/agents', { headers: { Authorization: `bearer ${TOKENS[0]}` } })).status).toBe(200);
    for (const header of [`Bearer ${TOKENS[0]!.toUpperCase()}`, `Bearer ${TOKENS[0]}x`, 'Bearer', `Token ${TOKENS[0]}`, basic('viewer', TOKENS[0]!)]) {
      expect((await a.request('/api/agents', { headers: { Authorization: header } })).status, header).toBe(401);
    }
  });

  it('accepts Basic credentials from the users file, and no others', async () => {
    const a = app(httpAuth({ tokens: [], users: await users({ viewer: 'correct horse', ops: 'pa:ss' }) }));
    expect((await a.request('/api/agents', { headers: { Authorization: basic('viewer', 'correct horse') } })).status).toBe(200);
    expect((await a.request('/api/agents', { headers: { Authorization: basic('ops', 'pa:ss') } })).status).toBe(200);
    for (const header of [basic('viewer', 'wrong'), basic('nobody', 'correct horse'), 'Basic !!!', `Basic ${Buffer.from('no-colon').toString('base64')}`, 'Bearer correct horse']) {
      expect((await a.request('/api/agents', { headers: { Authorization: header } })).status, header).toBe(401);
    }
  });

  it('forgets a verified password once the entry is replaced (the file changed)', async () => {
    let current = await users({ viewer: 'old' });
    const a = app(httpAuth({ tokens: [], users: { lookup: (u) => current.lookup(u) } }));
    const old = { headers: { Authorization: basic('viewer', 'old') } };
    expect((await a.request('/api/agents', old)).status).toBe(200);
    expect((await a.request('/api/agents', old)).status).toBe(200);
    current = await users({ viewer: 'new' });
    expect((await a.request('/api/agents', old)).status).toBe(401);
    expect((await a.request('/api/agents', { headers: { Authorization: basic('viewer', 'new') } })).status).toBe(200);
  });

  it('leaves the health checks and the page shell open, and extra open paths when asked', async () => {
    const a = app(httpAuth({ tokens: TOKENS }));
    for (const path of ['/-/healthy', '/-/ready', '/', '/ui/main.js', '/ui/style.css', '/assets/uPlot.iife.min.js']) {
      expect((await a.request(path)).status, path).toBe(200);
    }
    expect((await a.request('/favicon.ico')).status).toBe(204);
    const mw = httpAuth({ tokens: TOKENS, extraOpenPaths: ['/api/v1/write'] });
    const b = app(mw);
    // Open means "not checked here": without a receiver mounted the route simply does not exist.
    expect((await b.request('/api/v1/write', { method: 'POST' })).status).toBe(404);
    expect((await b.request('/api/v1/query?query=1')).status).toBe(401);
  });

  it('splits Basic credentials at the first colon (RFC 7617)', () => {
    expect(parseBasic(Buffer.from('user:pa:ss').toString('base64'))).toEqual({ user: 'user', password: 'pa:ss' });
    expect(parseBasic(Buffer.from('user:').toString('base64'))).toEqual({ user: 'user', password: '' });
    expect(parseBasic(Buffer.from('ünï:cödé').toString('base64'))).toEqual({ user: 'ünï', password: 'cödé' });
    expect(parseBasic('not base64!')).toBeUndefined();
  });
});
