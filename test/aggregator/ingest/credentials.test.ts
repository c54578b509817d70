import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCredentialStore, readCredentialsFile, writeCredentialsFile } from '../../../aggregator/ingest/credentials-file.ts';
import {
  CredentialsError,
  DEFAULT_ITERATIONS,
  generatePassword,
  hashPassword,
  parseCredentials,
  verifyPassword,
  withoutUser,
  withUser,
} from '../../../aggregator/ingest/credentials.ts';
import type { Logger } from '../../../protocol/log.ts';
import { peer } from '../../helpers/peers.ts';
import { tempDir } from '../../helpers/tmp.ts';

// Lines mosquitto_passwd wrote, with their passwords published next to them: a $6$ entry from mosquitto's own
// test suite (test/broker/09-pwfile-parse-invalid.py, user "test", password "test") and a $7$ entry from a
// public setup script ("robots:robots").
const SHA512_LINE = 'test:$6$njERlZMi/7DzNB9E$iiavfuXvUm8iyDZArTy7smTxh07GXXOrOsqxfW6gkOYVXHGk+W+i/8d3xDxrMwEPygEBhoA8A/gjQC0N2M4Lkw==';
const PBKDF2_LINE = 'robots:$7$101$TdwP4Y1uJ+tFo9Bn$84rK4XGZEuBmuKJHABOT4pQOzQQPX2LIhN/m/kLG6OgxT+vS8w6vCofgzd7YonvcKXTGIwK5tFe6nAWLpCT4Ow==';

describe('mosquitto password file format', () => {
  it('reads both hash schemes mosquitto_passwd writes and verifies their passwords', async () => {
    const creds = parseCredentials(`# comment\n\n${SHA512_LINE}\r\n  ${PBKDF2_LINE}  \n`, 'passwd');
    expect([...creds.keys()]).toEqual(['test', 'robots']);
    expect(creds.get('test')).toMatchObject({ scheme: 'sha512', iterations: 1, line: 3 });
    expect(creds.get('robots')).toMatchObject({ scheme: 'pbkdf2-sha512', iterations: 101, line: 4 });
    expect(await verifyPassword(creds.get('test'), 'test')).toBe(true);
    expect(await verifyPassword(creds.get('test'), 'Test')).toBe(false);
    expect(await verifyPassword(creds.get('robots'), Buffer.from('robots'))).toBe(true);
    expect(await verifyPassword(creds.get('robots'), 'robots ')).toBe(false);
    expect(await verifyPassword(undefined, 'robots')).toBe(false);
  });

  it('writes $7$ entries that verify, with a fresh salt each time', async () => {
    const password = generatePassword();
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const a = await hashPassword(password);
    const b = await hashPassword(password);
    expect(a).toMatch(new RegExp(`^\\$7\\$${DEFAULT_ITERATIONS}\\$[A-Za-z0-9+/]{16}\\$[A-Za-z0-9+/]{86}==$`));
    expect(a).not.toBe(b);
    const entry = parseCredentials(`pi-1:${a}\n`, 'f').get('pi-1');
    expect(await verifyPassword(entry, password)).toBe(true);
    expect(await verifyPassword(entry, generatePassword())).toBe(false);
  });

  it('names the file and line of every malformed entry, without quoting the hash', () => {
    const hash = PBKDF2_LINE.slice('robots:'.length);
    const cases: Array<[text: string, problem: RegExp]> = [
      ['pi-1 $7$101$abc', /expected user:\$7\$iterations\$salt\$hash/],
      [':' + hash, /empty user name/],
      ['pi-1:plaintext', /plain-text passwords are not accepted/],
      ['pi-1:$5$abc$def', /expected \$7\$/],
      ['pi-1:$7$0$' + hash.split('$').slice(3).join('$'), /iterations must be a whole number/],
      ['pi-1:$7$2000000$' + hash.split('$').slice(3).join('$'), /iterations must be a whole number from 1 to 1000000/],
      ['pi-1:$7$101$TdwP4Y1uJ+tFo9Bn', /3 "\$"-separated fields/],
      ['pi-1:$7$101$TdwP4Y1u$' + hash.split('$')[4], /salt must be 12 bytes/],
      ['pi-1:$7$101$TdwP4Y1uJ+tFo9Bn$AAAA', /hash must be 64 bytes/],
      ['pi-1:$6$njER{ZMi/7DzNB9E$' + SHA512_LINE.split('$')[3], /salt must be 12 bytes/],
      [`${PBKDF2_LINE}\n${PBKDF2_LINE}`, /user "robots" is already defined on line 2/],
    ];
    for (const [text, problem] of cases) {
      let caught: unknown;
      try {
        parseCredentials(`# header\n${text}\n`, '/etc/outpost/passwd');
      } catch (err) {
        caught = err;
      }
      expect(caught, text).toBeInstanceOf(CredentialsError);
      const err = caught as CredentialsError;
      expect(err.message, text).toMatch(problem);
      expect(err.message).toMatch(/^\/etc\/outpost\/passwd:\d+: /);
      expect(err.line).toBe(text.includes('\n') ? 3 : 2);
      expect(err.message).not.toContain('TdwP4Y1u');
    }
  });

  it('adds, replaces and removes one user, keeping comments and the other lines', async () => {
    const text = `# agents\n${SHA512_LINE}\n${PBKDF2_LINE}\n`;
    const hash = await hashPassword('s3cret');
    const replaced = withUser(text, 'test', hash);
    expect(replaced).toBe(`# agents\ntest:${hash}\n${PBKDF2_LINE}\n`);
    const added = withUser(text, 'pi-9', hash);
    expect(added).toBe(`${text}pi-9:${hash}\n`);
    expect(withoutUser(added, 'robots')).toBe(`# agents\n${SHA512_LINE}\npi-9:${hash}\n`);
    expect(withoutUser(text, 'nobody')).toBe(text);
    expect(() => withUser(text, 'a:b', hash)).toThrow(/must not contain ":"/);
    expect(await verifyPassword(parseCredentials(replaced, 'f').get('test'), 's3cret')).toBe(true);
  });
});

describe('the credentials file on disk', () => {
  let dir: ReturnType<typeof tempDir>;
  let lines: string[];
  const log: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
  beforeEach(() => {
    dir = tempDir('creds');
    lines = [];
  });
  afterEach(() => dir.remove());

  it('is written with mode 0600 when new and keeps the mode of an existing file', () => {
    const file = join(dir.path, 'passwd');
    writeCredentialsFile(file, `${PBKDF2_LINE}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    chmodSync(file, 0o640);
    writeCredentialsFile(file, `${SHA512_LINE}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect([...readCredentialsFile(file).credentials.keys()]).toEqual(['test']);
  });

  it('reports revoked users on reload and keeps the old set when the new file is broken', () => {
    const file = join(dir.path, 'passwd');
    writeFileSync(file, `${SHA512_LINE}\n${PBKDF2_LINE}\n`);
    const store = openCredentialStore(file, { log, watch: false });
    try {
      writeFileSync(file, `${PBKDF2_LINE}\n# test removed\n`);
      expect(store.reload()).toEqual({ ok: true, users: 1, revoked: ['test'] });
      expect(store.lookup('test')).toBeUndefined();
      writeFileSync(file, `${PBKDF2_LINE}\nbroken line\n`);
      const failed = store.reload();
      expect(failed.ok).toBe(false);
      expect(store.lookup('robots')).toBeDefined();
      expect(lines.at(-1)).toBe(`credentials not reloaded, the 1 users loaded before stay in force: ${file}:2: expected user:$7$iterations$salt$hash (make entries with outpost passwd or mosquitto_passwd)`);
    } finally {
      store.close();
    }
  });

  it('refuses to open a missing file, naming it', () => {
    expect(() => openCredentialStore(join(dir.path, 'nope'), { log })).toThrow(/nope: cannot read the credentials file: ENOENT/);
  });
});

const mosquittoPasswd = peer('mosquitto_passwd', 'mosquitto');

describe.skipIf(mosquittoPasswd === undefined)('files made by mosquitto_passwd', () => {
  it('verify with our code, in both hash schemes', async () => {
    const dir = tempDir('mosquitto-passwd');
    try {
      const file = join(dir.path, 'passwd');
      execFileSync(mosquittoPasswd as string, ['-c', '-b', file, 'pi-1', 'first secret']);
      execFileSync(mosquittoPasswd as string, ['-b', '-H', 'sha512', file, 'pi-2', 'second:secret']);
      const creds = parseCredentials(readFileSync(file, 'utf8'), file);
      expect(creds.get('pi-1')?.scheme).toBe('pbkdf2-sha512');
      expect(creds.get('pi-2')?.scheme).toBe('sha512');
      expect(await verifyPassword(creds.get('pi-1'), 'first secret')).toBe(true);
      expect(await verifyPassword(creds.get('pi-1'), 'second:secret')).toBe(false);
      expect(await verifyPassword(creds.get('pi-2'), 'second:secret')).toBe(true);
    } finally {
      dir.remove();
    }
  });
});
