import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpAuthSetupError, openHttpAuth, readTokenFile } from '../../../aggregator/http/auth-setup.ts';
import { CredentialsError, hashPassword } from '../../../aggregator/ingest/credentials.ts';
import type { Logger } from '../../../protocol/log.ts';
import { eventually } from '../../helpers/process.ts';
import { tempDir } from '../../helpers/tmp.ts';

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) };
}

const LOOPBACK = { httpHost: '127.0.0.1', httpAllowAnonymous: false };

describe('HTTP auth set-up', () => {
  let dir: ReturnType<typeof tempDir>;
  const closers: Array<() => void> = [];
  beforeEach(() => {
    dir = tempDir('http-auth');
  });
  afterEach(() => {
    closers.splice(0).forEach((c) => c());
    dir.remove();
  });

  it('is off on loopback without files', () => {
    for (const httpHost of ['127.0.0.1', '127.0.0.53', '::1', 'localhost']) {
      expect(openHttpAuth({ ...LOOPBACK, httpHost }, recorder()).middleware, httpHost).toBeUndefined();
    }
  });

  it('refuses a non-loopback address without credentials, naming the flags that fix it', () => {
    for (const httpHost of ['0.0.0.0', '::', '192.168.1.10']) {
      const attempt = () => openHttpAuth({ httpHost, httpAllowAnonymous: false }, recorder());
      expect(attempt).toThrow(HttpAuthSetupError);
      expect(attempt).toThrow(`refusing to serve the HTTP API and dashboard on ${httpHost} without authentication`);
      expect(attempt).toThrow(/--http-auth-token-file FILE or --http-basic-auth-file FILE .*--http-allow-anonymous/);
    }
  });

  it('serves a non-loopback address anonymously only when asked, with a warning', () => {
    const log = recorder();
    expect(openHttpAuth({ httpHost: '0.0.0.0', httpAllowAnonymous: true }, log).middleware).toBeUndefined();
    expect(log.lines).toEqual(['warn HTTP API and dashboard on 0.0.0.0 without authentication (--http-allow-anonymous)']);
  });

  it('reads tokens one a line, skipping blanks and comments, and warns about short ones without printing them', () => {
    const file = join(dir.path, 'tokens');
    writeFileSync(file, '# rotated 2024-05\n\n  aaaaaaaaaaaaaaaaaaaaaaaa  \r\nshort\n');
    const log = recorder();
    expect(readTokenFile(file, log)).toEqual(['aaaaaaaaaaaaaaaaaaaaaaaa', 'short']);
    expect(log.lines).toEqual([`warn ${file}:4: token shorter than 16 characters; \`openssl rand -hex 32\` makes a strong one`]);
  });

  it.each([
    ['', 'no token in the file'],
    ['# only a comment\n', 'no token in the file'],
    ['good-token-0123456789\nhas a space\n', ':2: a token is visible ASCII without spaces'],
  ])('refuses the token file %j', (text, problem) => {
    const file = join(dir.path, 'tokens');
    writeFileSync(file, text);
    expect(() => readTokenFile(file, recorder())).toThrow(HttpAuthSetupError);
    expect(() => readTokenFile(file, recorder())).toThrow(problem);
    expect(() => readTokenFile(file, recorder())).not.toThrow('has a space');
  });

  it('names a token file it cannot read', () => {
    const file = join(dir.path, 'missing');
    expect(() => openHttpAuth({ ...LOOPBACK, httpAuthTokenFile: file }, recorder())).toThrow(`--http-auth-token-file ${file}: cannot read it (ENOENT)`);
  });

  it('refuses a malformed Basic users file with its line', () => {
    const file = join(dir.path, 'users');
    writeFileSync(file, 'viewer:plaintext\n');
    expect(() => openHttpAuth({ ...LOOPBACK, httpBasicAuthFile: file }, recorder())).toThrow(CredentialsError);
    expect(() => openHttpAuth({ ...LOOPBACK, httpBasicAuthFile: file }, recorder())).toThrow(`${file}:1: unsupported password hash`);
  });

  it('on any address with a file; a changed users file takes effect without a restart', async () => {
    const tokens = join(dir.path, 'tokens');
    const users = join(dir.path, 'users');
    writeFileSync(tokens, 'a-long-enough-token-value\n');
    writeFileSync(users, `viewer:${await hashPassword('first', 1000)}\n`);
    const log = recorder();
    const auth = openHttpAuth({ httpHost: '0.0.0.0', httpAllowAnonymous: false, httpAuthTokenFile: tokens, httpBasicAuthFile: users }, log);
    closers.push(() => auth.close());
    expect(log.lines).toEqual([`info HTTP users must log in: 1 users in ${users}`, `info HTTP clients must log in: 1 bearer tokens in ${tokens}`]);
    const app = new Hono();
    app.use('*', auth.middleware!);
    app.get('/api/agents', (c) => c.text('ok'));
    const as = async (authorization: string) => (await app.request('/api/agents', { headers: { Authorization: authorization } })).status;
    const basic = (p: string) => `Basic ${Buffer.from(`viewer:${p}`).toString('base64')}`;
    expect(await as('Bearer a-long-enough-token-value')).toBe(200);
    expect(await as(basic('first'))).toBe(200);
    writeFileSync(users, `viewer:${await hashPassword('second', 1000)}\n`);
    await eventually(async () => ((await as(basic('second'))) === 200 ? true : undefined), 5000, 'the new password');
    expect(await as(basic('first'))).toBe(401);
  });
});
