import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readCredentialsFile } from '../../aggregator/ingest/credentials-file.ts';
import { verifyPassword } from '../../aggregator/ingest/credentials.ts';
import { parseFlags, UsageError, type ParsedFlags } from '../../cli/flags.ts';
import { passwdCommand } from '../../cli/passwd-command.ts';
import { tempDir } from '../helpers/tmp.ts';

const run = (...argv: string[]) => passwdCommand.run(parseFlags(passwdCommand, argv) as ParsedFlags);

describe('outpost passwd', () => {
  let dir: ReturnType<typeof tempDir>;
  let creds: string;
  beforeEach(() => {
    dir = tempDir('passwd');
    creds = join(dir.path, 'passwd');
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    dir.remove();
  });

  const verifies = async (agent: string, password: string) => verifyPassword(readCredentialsFile(creds).credentials.get(agent), password);

  it("creates the agent's password file and the credentials entry, both mode 0600", async () => {
    const pw = join(dir.path, 'pi-1.password');
    await run('--password-file', pw, creds, 'pi-1');
    const password = readFileSync(pw, 'utf8').trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(statSync(pw).mode & 0o777).toBe(0o600);
    expect(statSync(creds).mode & 0o777).toBe(0o600);
    expect(await verifies('pi-1', password)).toBe(true);
  });

  it('uses an existing password file, updates an agent in place and prints a new password only on stdout', async () => {
    const pw = join(dir.path, 'pi-2.password');
    writeFileSync(pw, 'chosen-secret\n');
    await run('--password-file', pw, creds, 'pi-2');
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await run(creds, 'pi-1');
    await run(creds, 'pi-1');
    const printed = out.mock.calls.map(([text]) => String(text).trim());
    expect(printed).toHaveLength(2);
    expect(readCredentialsFile(creds).credentials.size).toBe(2);
    expect(await verifies('pi-2', 'chosen-secret')).toBe(true);
    expect(await verifies('pi-1', printed[0] as string)).toBe(false);
    expect(await verifies('pi-1', printed[1] as string)).toBe(true);
  });

  it('deletes an agent, and refuses unknown agents, bad ids and a broken file', async () => {
    writeFileSync(creds, '# fleet\n');
    await run('--password-file', join(dir.path, 'a.pw'), creds, 'pi-1');
    await run('--delete', creds, 'pi-1');
    expect(readFileSync(creds, 'utf8')).toBe('# fleet\n');
    await expect(run('--delete', creds, 'pi-1')).rejects.toThrow(new UsageError(`pi-1 is not in ${creds}`));
    await expect(run(creds, 'bad/id')).rejects.toThrow(/agent id "bad\/id": must be/);
    await expect(run(creds)).rejects.toThrow('expected CREDENTIALS_FILE AGENT_ID');
    writeFileSync(creds, 'pi-1 no colon\n');
    await expect(run(creds, 'pi-2')).rejects.toThrow(new UsageError(`${creds}:1: expected user:$7$iterations$salt$hash (make entries with outpost passwd or mosquitto_passwd); fix it before changing it`));
    expect(readFileSync(creds, 'utf8')).toBe('pi-1 no colon\n');
  });
});
