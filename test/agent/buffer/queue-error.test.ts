import { describe, expect, it } from 'vitest';
import { QueueError, queueErrorFrom, type QueueErrorKind } from '../../../agent/buffer/queue-error.ts';

const withCode = (code: unknown, message = 'failed') => Object.assign(new Error(message), { code });

describe('queue errors', () => {
  const cases: [string, unknown, QueueErrorKind, string][] = [
    ['lmdb errno EROFS', withCode(30), 'read-only', 'remount it read-write or set data_dir'],
    ['node:fs EROFS', withCode('EROFS'), 'read-only', 'set data_dir'],
    ['EACCES', withCode('EACCES'), 'permission', 'chown/chmod'],
    ['lmdb errno EPERM', withCode(1), 'permission', 'set data_dir'],
    ['ENOTDIR', withCode('ENOTDIR'), 'not-a-directory', 'set data_dir'],
    ['lmdb errno ENOSPC', withCode(28), 'no-space', 'lower max_queue_bytes'],
    ['EIO, as lmdb reports a full disk', withCode(5, 'Input/output error'), 'io', 'free space (df)'],
    ['MDB_MAP_FULL by code', withCode(-30792), 'map-full', 'lower max_queue_bytes'],
    ['MDB_MAP_FULL by message', new Error('MDB_MAP_FULL: Environment mapsize limit reached'), 'map-full', 'LMDB map is full'],
  ];
  for (const [name, err, kind, fix] of cases) {
    it(`maps ${name} to "${kind}", naming the directory and the fix`, () => {
      const qe = queueErrorFrom(err, '/var/lib/outpost/queue');
      expect(qe).toBeInstanceOf(QueueError);
      expect(qe).toMatchObject({ kind, dir: '/var/lib/outpost/queue', cause: err });
      expect(qe?.message).toContain("cannot write the agent's queue in /var/lib/outpost/queue: ");
      expect(qe?.message).toContain(fix);
    });
  }

  it('does not take other errors for disk failures, unless they are known to come from the disk', () => {
    expect(queueErrorFrom(new TypeError('x is not a function'), '/q')).toBeUndefined();
    expect(queueErrorFrom(withCode('ECONNRESET'), '/q')).toBeUndefined();
    expect(queueErrorFrom(withCode(9999, 'strange'), '/q', true)).toMatchObject({ kind: 'io', message: expect.stringContaining('(strange)') });
  });
});
