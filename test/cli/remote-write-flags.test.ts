import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_AGGREGATOR } from '../../aggregator/config.ts';
import { configFlags } from '../../aggregator/config-view.ts';
import { aggregatorCommand, aggregatorConfigFrom } from '../../cli/aggregator-command.ts';
import { parseFlags, UsageError, type ParsedFlags } from '../../cli/flags.ts';
import { tempDir } from '../helpers/tmp.ts';

const config = (...argv: string[]) => aggregatorConfigFrom((parseFlags(aggregatorCommand, argv) as ParsedFlags).values);

describe("the aggregator's remote write flags", () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('rw-flags');
  });
  afterEach(() => dir.remove());

  it('default to no remote, no receiver token and a 1m flush deadline', () => {
    const c = config();
    expect(c).toMatchObject({ remoteWrite: [], remoteFlushDeadlineMs: 60_000 });
    expect(c).not.toHaveProperty('remoteWriteReceiverToken');
    expect(c.remoteFlushDeadlineMs).toBe(DEFAULT_AGGREGATOR.remoteFlushDeadlineMs);
  });

  it('combine the config file and --remote-write.url into one list, and show on the flags page', () => {
    const file = join(dir.path, 'rw.yaml');
    writeFileSync(file, 'remote_write:\n  - url: http://mimir:9009/api/v1/push\n    name: mimir\n');
    const tokenFile = join(dir.path, 'token');
    writeFileSync(tokenFile, ' s3cret \n');
    const c = config(
      '--remote-write.config', file,
      '--remote-write.url', 'http://127.0.0.1:9090/api/v1/write',
      '--storage.remote.flush-deadline', '5s',
      '--remote-write-receiver.token-file', tokenFile,
    );
    expect(c.remoteWrite.map((r) => [r.name, r.url])).toEqual([
      ['mimir', 'http://mimir:9009/api/v1/push'],
      ['127.0.0.1:9090/api/v1/write', 'http://127.0.0.1:9090/api/v1/write'],
    ]);
    expect(c).toMatchObject({ remoteFlushDeadlineMs: 5_000, remoteWriteReceiverToken: 's3cret' });
    expect(configFlags(c)).toMatchObject({
      'remote-write.config': file,
      'remote-write.url': 'http://127.0.0.1:9090/api/v1/write',
      'remote-write-receiver.token-file': '<secret>',
      'storage.remote.flush-deadline': '5s',
    });
  });

  it.each([
    [['--remote-write.url', 'mimir:9009'], /--remote-write.url: must be http:\/\/ or https:\/\//],
    [['--remote-write.config', '/nonexistent/rw.yaml'], /\/nonexistent\/rw.yaml: cannot read the remote write config file/],
    [['--remote-write-receiver.token-file', '/nonexistent/token'], /--remote-write-receiver.token-file "\/nonexistent\/token": cannot read it/],
  ])('refuse %j as a usage error', (argv, message) => {
    expect(() => config(...argv)).toThrow(UsageError);
    expect(() => config(...argv)).toThrow(message);
  });

  it('refuse a config file with a mistake, naming its line', () => {
    const file = join(dir.path, 'rw.yaml');
    writeFileSync(file, 'remote_write:\n  - url: http://a/w\n    remote_timeot: 1s\n');
    expect(() => config('--remote-write.config', file)).toThrow(`${file}:3: remote_write[0].remote_timeot: unknown key (did you mean remote_timeout?)`);
  });

  it('refuse an empty token file', () => {
    const tokenFile = join(dir.path, 'token');
    writeFileSync(tokenFile, '\n');
    expect(() => config('--remote-write-receiver.token-file', tokenFile)).toThrow('the file is empty');
  });
});
