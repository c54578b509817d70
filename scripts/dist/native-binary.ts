import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Platform } from './platforms.ts';

/**
 * The binaries kept from lmdb's platform package: the N-API build for glibc, which every Node.js from 20 on loads.
 * The package also holds builds for one Node ABI each and for musl (Alpine); Debian, Ubuntu and Raspberry Pi OS
 * need neither, and leaving them out takes the tarball from about 17 MB unpacked to about 6.
 */
const KEEP_BINARY = /^node\.napi\.glibc\.node$/;

/** lmdb's platform package name and the version the installed lmdb asks for. */
export function lmdbBinaryPackage(repo: string, platform: Platform): { name: string; version: string } {
  const lmdb = JSON.parse(readFileSync(join(repo, 'node_modules/lmdb/package.json'), 'utf8')) as { optionalDependencies?: Record<string, string> };
  const name = `@lmdb/lmdb-${platform.name}`;
  const version = lmdb.optionalDependencies?.[name];
  if (version === undefined) throw new Error(`lmdb has no prebuilt binary package for ${platform.name}`);
  return { name, version };
}

/**
 * Puts lmdb's binary for `platform` at `dest`/node_modules/@lmdb/lmdb-<platform>. The host's own comes from
 * node_modules; another platform's is fetched once with `npm pack` (the only step that needs the registry) and
 * kept in `cache`, so later builds work offline.
 */
export function addLmdbBinary(repo: string, platform: Platform, dest: string, cache: string): void {
  const { name, version } = lmdbBinaryPackage(repo, platform);
  const target = join(dest, 'node_modules', name);
  const local = join(repo, 'node_modules', name);
  const installedVersion = existsSync(join(local, 'package.json')) ? (JSON.parse(readFileSync(join(local, 'package.json'), 'utf8')) as { version: string }).version : undefined;
  const source = installedVersion === version ? local : unpackFromRegistry(name, version, cache);
  mkdirSync(target, { recursive: true });
  for (const file of readdirSync(source)) {
    // The other binaries stay behind; package.json and the empty index.js let require.resolve() find the package.
    if (!file.endsWith('.node') || KEEP_BINARY.test(file)) cpSync(join(source, file), join(target, file));
  }
  if (!readdirSync(target).some((f) => KEEP_BINARY.test(f))) throw new Error(`${name}@${version} has no ${KEEP_BINARY.source} binary`);
}

function unpackFromRegistry(name: string, version: string, cache: string): string {
  const dir = join(cache, `${name.replace('/', '+')}-${version}`);
  if (existsSync(join(dir, 'package', 'package.json'))) return join(dir, 'package');
  mkdirSync(dir, { recursive: true });
  const pack = spawnSync('npm', ['pack', `${name}@${version}`, '--pack-destination', dir, '--silent'], { encoding: 'utf8' });
  if (pack.status !== 0) throw new Error(`npm pack ${name}@${version} failed (is the npm registry reachable?): ${pack.stderr.trim()}`);
  const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack ${name}@${version} wrote no tarball`);
  const untar = spawnSync('tar', ['-xzf', join(dir, tgz), '-C', dir], { encoding: 'utf8' });
  if (untar.status !== 0) throw new Error(`cannot unpack ${tgz}: ${untar.stderr.trim()}`);
  return join(dir, 'package');
}
