import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { thirdPartyNotices, type Bundle } from './bundle.ts';
import { addLmdbBinary } from './native-binary.ts';
import type { Platform } from './platforms.ts';
import { copyRuntimeTree } from './runtime-tree.ts';
import { deviceReadme } from './readme.ts';

/** The directory a tarball unpacks to; README "Install an agent on a device" unpacks it under /opt. */
export const TOP_DIR = 'outpost-agent';

export interface Tarball {
  readonly platform: string;
  readonly file: string;
  readonly packedBytes: number;
  /** Sum of the sizes of the files it unpacks to. */
  readonly unpackedBytes: number;
}

/** `bin/outpost`: finds node and the bundle from wherever the tarball was unpacked. */
const LAUNCHER = `#!/bin/sh
# The Outpost agent. Needs Node.js 20 or later as "node" on the PATH (or OUTPOST_NODE=/path/to/node): README.txt.
here=$(dirname "$(readlink -f "$0")")
node=\${OUTPOST_NODE:-node}
if ! command -v "$node" >/dev/null 2>&1; then
  echo "outpost: Node.js 20 or later is needed and \\"$node\\" was not found: see $here/../README.txt" >&2
  exit 127
fi
exec "$node" "$here/../lib/outpost.mjs" "$@"
`;

/**
 * Lays out one platform's agent under `staging`/outpost-agent and packs it as
 * `outDir`/outpost-agent-<version>-<platform>.tar.gz: files sorted, owned by root, dated to the commit time
 * given in SOURCE_DATE_EPOCH (else 0), gzip without a time stamp, so one input gives one tarball.
 */
export function packPlatform(repo: string, platform: Platform, bundle: Bundle, dirs: { staging: string; out: string; cache: string }): Tarball {
  const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };
  const root = join(dirs.staging, platform.name, TOP_DIR);
  rmSync(join(dirs.staging, platform.name), { recursive: true, force: true });
  mkdirSync(join(root, 'bin'), { recursive: true });
  mkdirSync(join(root, 'lib'), { recursive: true });
  writeFileSync(join(root, 'lib', 'outpost.mjs'), bundle.code);
  writeFileSync(join(root, 'bin', 'outpost'), LAUNCHER);
  chmodSync(join(root, 'bin', 'outpost'), 0o755);
  chmodSync(join(root, 'lib', 'outpost.mjs'), 0o755);
  copyRuntimeTree(repo, 'lmdb', root);
  addLmdbBinary(repo, platform, root, dirs.cache);
  copyFileSync(join(repo, 'agent', 'agent.example.yaml'), join(root, 'agent.example.yaml'));
  writeFileSync(join(root, 'THIRD_PARTY_NOTICES.txt'), thirdPartyNotices(bundle.packages));
  writeFileSync(join(root, 'README.txt'), deviceReadme(version, platform));
  writeFileSync(
    join(root, 'package.json'),
    `${JSON.stringify({ name: 'outpost-agent', version, private: true, type: 'module', engines: { node: '>=20' }, os: [platform.os], cpu: [platform.cpu] }, null, 2)}\n`,
  );

  const mtime = process.env.SOURCE_DATE_EPOCH ?? '0';
  const tar = spawnSync(
    'tar',
    ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', `--mtime=@${mtime}`, '--mode=u+rw,go+r-w,a+X', '-cf', '-', TOP_DIR],
    { cwd: join(dirs.staging, platform.name), maxBuffer: 512 * 1024 * 1024 },
  );
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr.toString().trim()}`);
  mkdirSync(dirs.out, { recursive: true });
  const file = join(dirs.out, `outpost-agent-${version}-${platform.name}.tar.gz`);
  writeFileSync(file, gzipSync(tar.stdout, { level: 9 }));
  return { platform: platform.name, file, packedBytes: statSync(file).size, unpackedBytes: treeBytes(root) };
}

function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? treeBytes(path) : statSync(path).size;
  }
  return total;
}
