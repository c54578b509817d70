import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_AGGREGATOR } from '../../aggregator/config.ts';
import { configFlags } from '../../aggregator/config-view.ts';
import { aggregatorCommand, aggregatorConfigFrom } from '../../cli/aggregator-command.ts';
import { parseFlags, type ParsedFlags } from '../../cli/flags.ts';
import { tempDir } from '../helpers/tmp.ts';

const CLI = fileURLToPath(new URL('../../cli/outpost.mjs', import.meta.url));
const config = (...argv: string[]) => aggregatorConfigFrom((parseFlags(aggregatorCommand, argv) as ParsedFlags).values);

describe("the aggregator's HTTP auth and dashboard flags", () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('http-flags');
  });
  afterEach(() => dir.remove());

  it('turn into the config and show on the flags page', () => {
    expect(config()).toMatchObject({ httpAllowAnonymous: false, dashboardsDir: DEFAULT_AGGREGATOR.dashboardsDir });
    expect(config()).not.toHaveProperty('httpAuthTokenFile');
    const c = config('--http-auth-token-file', '/etc/outpost/tokens', '--http-basic-auth-file', '/etc/outpost/users', '--http-allow-anonymous', '--dashboards-dir', '/srv/d');
    expect(c).toMatchObject({ httpAuthTokenFile: '/etc/outpost/tokens', httpBasicAuthFile: '/etc/outpost/users', httpAllowAnonymous: true, dashboardsDir: '/srv/d' });
    expect(configFlags(c)).toMatchObject({
      'http-auth-token-file': '/etc/outpost/tokens',
      'http-basic-auth-file': '/etc/outpost/users',
      'http-allow-anonymous': 'true',
      'dashboards-dir': '/srv/d',
    });
  });

  it('stop `outpost aggregator` and `outpost demo` (exit 2, no stack trace) off loopback without HTTP credentials, or with an empty token file', async () => {
    const run = async (...args: string[]) => runIn('aggregator', ...args);
    const runIn = async (command: string, ...args: string[]) => {
      try {
        await promisify(execFile)(process.execPath, [CLI, command, '--data-dir', dir.path, '--mqtt-listen', '127.0.0.1:0', ...args], { timeout: 30_000 });
        return { code: 0, stderr: '' };
      } catch (err) {
        return err as { code: number; stderr: string };
      }
    };
    const open = await run('--http-listen', '0.0.0.0:0');
    expect(open.code).toBe(2);
    expect(open.stderr).toMatch(/outpost aggregator: refusing to serve the HTTP API and dashboard on 0\.0\.0\.0 without authentication/);
    expect(open.stderr).not.toMatch(/\n\s+at /);
    const empty = join(dir.path, 'tokens');
    writeFileSync(empty, '# nothing yet\n');
    const bad = await run('--http-listen', '127.0.0.1:0', '--http-auth-token-file', empty);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`outpost aggregator: --http-auth-token-file ${empty}: no token in the file`);
    // The demo takes the same flags the message names.
    const demo = await runIn('demo', '--http-listen', '0.0.0.0:0');
    expect(demo.code).toBe(2);
    expect(demo.stderr).toMatch(/outpost demo: refusing to serve .* or pass --http-allow-anonymous/);
    expect(demo.stderr).not.toMatch(/\n\s+at /);
    const demoBad = await runIn('demo', '--http-listen', '127.0.0.1:0', '--http-auth-token-file', empty);
    expect(demoBad.code).toBe(2);
    expect(demoBad.stderr).toContain(`outpost demo: --http-auth-token-file ${empty}: no token in the file`);
  });
});
