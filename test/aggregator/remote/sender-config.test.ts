import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_AGGREGATOR } from '../../../aggregator/config.ts';
import { configYaml } from '../../../aggregator/config-view.ts';
import { DEFAULT_REMOTE_WRITE_QUEUE, readRemoteWriteFile, remoteWriteTo } from '../../../aggregator/remote/sender-config.ts';
import { tempDir } from '../../helpers/tmp.ts';

const dir = tempDir('rw-config');
afterAll(() => dir.remove());

describe('readRemoteWriteFile', () => {
  it("reads Prometheus' remote_write shape, secrets from files, defaults for what is left out", () => {
    const tokenFile = join(dir.path, 'token');
    writeFileSync(tokenFile, 'tok-123\n');
    const remotes = readRemoteWriteFile(
      'rw.yaml',
      [
        'remote_write:',
        '  - url: https://mimir.example:9009/api/v1/push',
        '    name: mimir',
        '    remote_timeout: 10s',
        '    headers: { X-Scope-OrgID: shop-17 }',
        '    authorization:',
        `      credentials_file: ${tokenFile}`,
        '    queue_config:',
        '      capacity: 500',
        '      max_shards: 2',
        '      max_samples_per_send: 100',
        '      batch_send_deadline: 1s',
        '      min_backoff: 100ms',
        '      max_backoff: 10s',
        '  - url: http://127.0.0.1:8428/api/v1/write',
        '    basic_auth: { username: vm, password: pw }',
        '',
      ].join('\n'),
    );
    expect(remotes).toEqual([
      {
        url: 'https://mimir.example:9009/api/v1/push',
        name: 'mimir',
        remoteTimeoutMs: 10_000,
        headers: { 'X-Scope-OrgID': 'shop-17' },
        authorization: { type: 'Bearer', credentials: 'tok-123' },
        queue: { capacity: 500, maxShards: 2, maxSamplesPerSend: 100, batchSendDeadlineMs: 1_000, minBackoffMs: 100, maxBackoffMs: 10_000 },
      },
      {
        url: 'http://127.0.0.1:8428/api/v1/write',
        name: '127.0.0.1:8428/api/v1/write',
        remoteTimeoutMs: 30_000,
        headers: {},
        basicAuth: { username: 'vm', password: 'pw' },
        queue: DEFAULT_REMOTE_WRITE_QUEUE,
      },
    ]);
  });

  it.each([
    ['remote_write:\n  - url: http://a/w\n    queue_config:\n      max_shard: 2\n', 'rw.yaml:4: remote_write[0].queue_config.max_shard: unknown key (did you mean max_shards?)'],
    ['remote_write:\n  - name: x\n', 'rw.yaml:2: remote_write[0]: url is required'],
    ['remote_write:\n  - url: ftp://a/w\n', 'rw.yaml:2: remote_write[0].url: must be http:// or https://, got "ftp://a/w"'],
    ['remote_write:\n  - url: http://u:p@a/w\n', 'rw.yaml:2: remote_write[0].url: must not hold credentials'],
    ['remote_write:\n  - url: http://a/w\n    headers:\n      User-Agent: x\n', 'rw.yaml:4: remote_write[0].headers.User-Agent: is set by Outpost itself'],
    ['remote_write:\n  - url: http://a/w\n    authorization: { credentials: t }\n    basic_auth: { username: u, password: p }\n', 'at most one of basic_auth and authorization'],
    ['remote_write:\n  - url: http://a/w\n    authorization: { credentials: t, credentials_file: /f }\n', 'at most one of credentials and credentials_file'],
    ['remote_write:\n  - url: http://a/w\n    basic_auth: { username: u }\n', 'remote_write[0].basic_auth: password or password_file is required'],
    ['remote_write:\n  - url: http://a/w\n    authorization: { credentials_file: /nonexistent/t }\n', 'rw.yaml:3: remote_write[0].authorization.credentials_file: cannot read /nonexistent/t'],
    ['remote_write:\n  - url: http://a/w\n    queue_config: { min_backoff: 10s, max_backoff: 1s }\n', 'min_backoff: must not be greater than max_backoff'],
    ['remote_write:\n  - url: http://a/w\n    queue_config: { capacity: 0 }\n', 'capacity: expected a whole number of 1 or more'],
    ['remote_write:\n  - url: http://a/w\n    remote_timeout: 0s\n', 'remote_timeout: must be greater than 0'],
  ])('refuses %j naming the file, line and key', (text, message) => {
    expect(() => readRemoteWriteFile('rw.yaml', text)).toThrow(message);
  });
});

describe('remote write settings on the status pages', () => {
  it('lists each remote with its secrets hidden and header names as written', () => {
    const remote = {
      ...remoteWriteTo('https://mimir.example/api/v1/push'),
      headers: { 'X-Scope-OrgID': 'shop-17' },
      authorization: { type: 'Bearer', credentials: 'tok-123' },
    };
    const yaml = configYaml({ ...DEFAULT_AGGREGATOR, remoteWrite: [remote, { ...remoteWriteTo('http://vm/w'), basicAuth: { username: 'u', password: 'pw-456' } }] });
    for (const secret of ['tok-123', 'pw-456']) expect(yaml).not.toContain(secret);
    expect(parse(yaml).remote_write).toEqual([
      {
        url: 'https://mimir.example/api/v1/push',
        name: 'mimir.example/api/v1/push',
        remote_timeout: '30s',
        headers: { 'X-Scope-OrgID': 'shop-17' },
        authorization: { type: 'Bearer', credentials: '<secret>' },
        queue: { capacity: 10000, max_shards: 4, max_samples_per_send: 2000, batch_send_deadline: '5s', min_backoff: '30ms', max_backoff: '5s' },
      },
      expect.objectContaining({ url: 'http://vm/w', basic_auth: { username: 'u', password: '<secret>' } }),
    ]);
  });
});
