import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aggregatorCommand, aggregatorConfigFrom } from '../../cli/aggregator-command.ts';
import { parseFlags, UsageError, type ParsedFlags } from '../../cli/flags.ts';
import { tempDir } from '../helpers/tmp.ts';

const CLI = fileURLToPath(new URL('../../cli/outpost.mjs', import.meta.url));
const config = (...argv: string[]) => aggregatorConfigFrom((parseFlags(aggregatorCommand, argv) as ParsedFlags).values);

describe("the aggregator's broker security flags", () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('broker-flags');
  });
  afterEach(() => dir.remove());

  it('turn into the config, with TLS files given as a pair', () => {
    expect(config()).toMatchObject({ mqttAllowAnonymous: false });
    expect(config()).not.toHaveProperty('mqttCredentialsFile');
    expect(config()).not.toHaveProperty('mqttTls');
    expect(config('--mqtt-credentials', '/etc/outpost/passwd', '--mqtt-allow-anonymous')).toMatchObject({
      mqttCredentialsFile: '/etc/outpost/passwd',
      mqttAllowAnonymous: true,
    });
    expect(config('--mqtt-tls-cert', 'c.pem', '--mqtt-tls-key', 'k.pem', '--mqtt-tls-client-ca', 'ca.pem').mqttTls).toEqual({
      certFile: 'c.pem',
      keyFile: 'k.pem',
      clientCaFile: 'ca.pem',
    });
    expect(() => config('--mqtt-tls-cert', 'c.pem')).toThrow(new UsageError('--mqtt-tls-cert and --mqtt-tls-key must be given together'));
    expect(() => config('--mqtt-tls-client-ca', 'ca.pem')).toThrow(new UsageError('--mqtt-tls-client-ca needs --mqtt-tls-cert and --mqtt-tls-key'));
  });

  it('stop `outpost aggregator` (exit 2, no stack trace) off loopback without credentials, or with a broken credentials file', async () => {
    const run = async (...args: string[]) => {
      try {
        await promisify(execFile)(process.execPath, [CLI, 'aggregator', '--data-dir', dir.path, '--http-listen', '127.0.0.1:0', ...args], { timeout: 30_000 });
        return { code: 0, stderr: '' };
      } catch (err) {
        return err as { code: number; stderr: string };
      }
    };
    const open = await run('--mqtt-listen', '0.0.0.0:0');
    expect(open.code).toBe(2);
    expect(open.stderr).toMatch(/outpost aggregator: refusing to listen on 0\.0\.0\.0 without credentials/);
    expect(open.stderr).not.toMatch(/\n\s+at /);
    const broken = join(dir.path, 'passwd');
    writeFileSync(broken, 'pi-1:$7$oops\n');
    const bad = await run('--mqtt-listen', '127.0.0.1:0', '--mqtt-credentials', broken);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`outpost aggregator: ${broken}:1: a $7$ hash has 3 "$"-separated fields after the type`);
  });
});
