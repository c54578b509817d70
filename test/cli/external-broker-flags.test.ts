import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configFlags } from '../../aggregator/config-view.ts';
import { aggregatorCommand, aggregatorConfigFrom } from '../../cli/aggregator-command.ts';
import { parseFlags, UsageError, type ParsedFlags } from '../../cli/flags.ts';
import { tempDir } from '../helpers/tmp.ts';

const config = (...argv: string[]) => {
  const { values, given } = parseFlags(aggregatorCommand, argv) as ParsedFlags;
  return aggregatorConfigFrom(values, given);
};

describe("the aggregator's external broker flags", () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('external-broker-flags');
  });
  afterEach(() => dir.remove());

  it('leave the embedded broker in place unless --mqtt-broker is given', () => {
    expect(config()).not.toHaveProperty('mqttBroker');
  });

  it('make a client config with the ingest user, a password from its file, TLS files and a stable client id', () => {
    const password = join(dir.path, 'password');
    const ca = join(dir.path, 'ca.pem');
    writeFileSync(password, 'ingest-secret\n');
    writeFileSync(ca, 'not checked here');
    expect(config('--mqtt-broker', 'mqtts://broker:8883', '--mqtt-broker-password-file', password, '--mqtt-broker-tls-ca', ca).mqttBroker).toEqual({
      url: 'mqtts://broker:8883',
      username: 'outpost-aggregator',
      password: 'ingest-secret',
      tls: { caFile: ca },
      clientId: 'outpost-aggregator',
      sessionExpirySec: 86_400,
      keepaliveSec: 30,
      reconnectMs: 1_000,
    });
  });

  it('give each worker of a shared group its own client id unless one is named', () => {
    expect(config('--mqtt-broker', 'mqtt://b:1883', '--mqtt-shared-group', 'ingest').mqttBroker).toMatchObject({
      sharedGroup: 'ingest',
      clientId: `outpost-aggregator-${hostname()}-${process.pid}`,
    });
    expect(config('--mqtt-broker', 'mqtt://b:1883', '--mqtt-shared-group', 'ingest', '--mqtt-broker-client-id', 'w1').mqttBroker?.clientId).toBe('w1');
  });

  it('show on the flags page, the password only as <secret>', () => {
    const password = join(dir.path, 'password');
    writeFileSync(password, 'ingest-secret');
    const flags = configFlags(config('--mqtt-broker', 'mqtt://b:1883', '--mqtt-broker-password-file', password, '--mqtt-shared-group', 'g'));
    expect(flags).toMatchObject({ 'mqtt-broker': 'mqtt://b:1883', 'mqtt-broker-password-file': '<secret>', 'mqtt-shared-group': 'g', 'mqtt-broker-username': 'outpost-aggregator' });
    expect(Object.values(flags)).not.toContain('ingest-secret');
  });

  it.each([
    [['--mqtt-shared-group', 'g'], '--mqtt-shared-group needs --mqtt-broker'],
    [['--mqtt-broker', 'mqtt://b:1883', '--mqtt-credentials', 'passwd'], '--mqtt-credentials configures the embedded broker, which --mqtt-broker replaces'],
    [['--mqtt-broker', 'mqtt://b:1883', '--mqtt-listen', '0.0.0.0:1883'], '--mqtt-listen configures the embedded broker, which --mqtt-broker replaces'],
    [['--mqtt-broker', 'http://b:1883'], '--mqtt-broker: expected mqtt://host:port or mqtts://host:port'],
    [['--mqtt-broker', 'mqtt://u:pw@b:1883'], '--mqtt-broker: must not hold a user name or password: give --mqtt-broker-username and --mqtt-broker-password-file'],
    [['--mqtt-broker', 'mqtt://b:1883', '--mqtt-shared-group', 'a/b'], '--mqtt-shared-group "a/b": must not contain "/", "+" or "#"'],
    [['--mqtt-broker', 'mqtt://b:1883', '--mqtt-broker-tls-cert', 'c.pem'], '--mqtt-broker-tls-key: a client certificate and its key must be given together'],
  ])('refuse %j: %s', (argv, message) => {
    expect(() => config(...argv)).toThrow(new UsageError(message));
  });

  it('refuse an unreadable password file, naming it', () => {
    const missing = join(dir.path, 'nope');
    expect(() => config('--mqtt-broker', 'mqtt://b:1883', '--mqtt-broker-password-file', missing)).toThrow(
      new RegExp(`^--mqtt-broker-password-file "${missing}": cannot read it`),
    );
  });
});
