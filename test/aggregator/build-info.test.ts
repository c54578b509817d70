import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readBuildInfo } from '../../aggregator/build-info.ts';
import { tempDir } from '../helpers/tmp.ts';

const SHA = 'a'.repeat(40);
const OTHER = 'b'.repeat(40);
let dir: ReturnType<typeof tempDir>;

beforeEach(() => {
  dir = tempDir('build');
  writeFileSync(join(dir.path, 'package.json'), JSON.stringify({ name: 'x', version: '1.2.3' }));
});
afterEach(() => dir.remove());

const git = (files: Record<string, string>) => {
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir.path, '.git', name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  }
};

describe('readBuildInfo', () => {
  it('reads the version from package.json and the runtime from Node', () => {
    expect(readBuildInfo(dir.path)).toEqual({
      version: '1.2.3',
      revision: 'unknown',
      branch: 'unknown',
      buildUser: 'unknown',
      buildDate: 'unknown',
      goVersion: process.version,
    });
  });

  it.each([
    ['a branch with a loose ref', { HEAD: 'ref: refs/heads/main\n', 'refs/heads/main': `${SHA}\n` }, SHA, 'main'],
    [
      'a packed ref',
      { HEAD: 'ref: refs/heads/dev\n', 'packed-refs': `# pack-refs with: peeled\n${OTHER} refs/heads/main\n${SHA} refs/heads/dev\n` },
      SHA,
      'dev',
    ],
    ['a detached HEAD', { HEAD: `${SHA}\n` }, SHA, 'HEAD'],
    ['a branch not yet committed to', { HEAD: 'ref: refs/heads/new\n' }, 'unknown', 'new'],
  ])('takes revision and branch from the .git files: %s', (_, files, revision, branch) => {
    git(files);
    expect(readBuildInfo(dir.path)).toMatchObject({ revision, branch });
  });
});
