import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { brokerUrlProblem } from '../../../agent/config/broker-client.ts';
import { readAgentFile } from '../../../agent/config/file.ts';
import { agentCommand, agentConfigFrom } from '../../../cli/agent-command.ts';
import { parseFlags, UsageError, type ParsedFlags } from '../../../cli/flags.ts';
import { tempDir } from '../../helpers/tmp.ts';

const flags = (...argv: string[]) => parseFlags(agentCommand, argv) as ParsedFlags;

describe("the agent's broker URL", () => {
  it('accepts mqtt:// and mqtts:// and refuses a secret inside the URL without repeating it', () => {
    for (const url of ['mqtt://aggregator:1883', 'mqtts://10.0.0.5:8883', 'mqtts://[::1]:8883']) expect(brokerUrlProblem(url), url).toBeUndefined();
    expect(brokerUrlProblem('http://aggregator:1883')).toMatch(/expected mqtt:\/\/host:port/);
    expect(brokerUrlProblem('aggregator:1883')).toMatch(/expected mqtt:\/\/host:port/);
    expect(brokerUrlProblem('mqtts://pi-1:hunter2@aggregator:8883')).toMatch(/must not hold a user name or password/);
    let err: unknown;
    try {
      agentConfigFrom(flags('--broker', 'mqtt://pi-1:hunter2@aggregator:1883'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/^--broker: must not hold/);
    expect((err as Error).message).not.toContain('hunter2');
    expect(() => readAgentFile('agent.yaml', 'agent:\n  broker: mqtt://pi-1:hunter2@aggregator:1883\n')).toThrow(/^agent\.yaml:2: agent\.broker: must not hold/);
  });
});

describe("the agent's TLS settings for the broker", () => {
  let dir: ReturnType<typeof tempDir>;
  let ca: string;
  let cert: string;
  let key: string;
  beforeEach(() => {
    dir = tempDir('agent-tls');
    [ca, cert, key] = ['ca.crt', 'client.crt', 'client.key'].map((f) => join(dir.path, f)) as [string, string, string];
    for (const f of [ca, cert, key]) writeFileSync(f, 'PEM');
  });
  afterEach(() => dir.remove());

  it('reads agent.tls from the file, and the flags beat it', () => {
    const yaml = `agent:\n  broker: mqtts://aggregator:8883\n  tls:\n    ca_file: ${ca}\n    cert_file: ${cert}\n    key_file: ${key}\n    server_name: aggregator.example\n`;
    const file = readAgentFile('agent.yaml', yaml);
    expect(file.tls).toEqual({ caFile: ca, certFile: cert, keyFile: key, serverName: 'aggregator.example' });
    const other = join(dir.path, 'other-ca.crt');
    writeFileSync(other, 'PEM');
    expect(agentConfigFrom(flags('--tls-ca', other), file).tls).toEqual({ caFile: other, certFile: cert, keyFile: key, serverName: 'aggregator.example' });
    expect(agentConfigFrom(flags('--tls-ca', ca)).tls).toEqual({ caFile: ca });
    expect(agentConfigFrom(flags()).tls).toBeUndefined();
  });

  it('names the key or flag when a file is missing or a certificate comes without its key', () => {
    const missing = join(dir.path, 'missing.crt');
    expect(() => readAgentFile('agent.yaml', `agent:\n  tls:\n    ca_file: ${missing}\n`)).toThrow(`agent.yaml:3: agent.tls.ca_file: cannot read ${missing} (ENOENT)`);
    expect(() => readAgentFile('agent.yaml', `agent:\n  tls:\n    cert_file: ${cert}\n`)).toThrow(/^agent\.yaml:3: agent\.tls\.key_file: a client certificate and its key must be given together/);
    expect(() => readAgentFile('agent.yaml', 'agent:\n  tls:\n    ca: x\n')).toThrow(/agent\.tls\.ca: unknown key/);
    expect(() => agentConfigFrom(flags('--tls-key', key))).toThrow(new UsageError('--tls-cert: a client certificate and its key must be given together'));
    expect(() => agentConfigFrom(flags('--tls-ca', missing))).toThrow(new UsageError(`--tls-ca: cannot read ${missing} (ENOENT)`));
  });
});
