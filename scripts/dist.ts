import { fileURLToPath } from 'node:url';
import { buildAgentDist } from './dist/build.ts';
import { PLATFORMS, platformNamed, type Platform } from './dist/platforms.ts';

/**
 * `npm run dist [-- linux-arm64 …]`: self-contained agent tarballs in dist/, one per platform (default: all of
 * scripts/dist/platforms.ts). Each holds the bundled agent, lmdb and its native binary: a device needs Node.js 20
 * and nothing from the network.
 */
const names = process.argv.slice(2);
const platforms: Platform[] = names.length === 0 ? [...PLATFORMS] : names.map((n) => platformNamed(n) ?? fail(n));
const repo = fileURLToPath(new URL('..', import.meta.url));
for (const t of await buildAgentDist({ repo, platforms })) {
  process.stdout.write(`${t.file}  ${(t.packedBytes / 1e6).toFixed(1)} MB packed, ${(t.unpackedBytes / 1e6).toFixed(1)} MB unpacked\n`);
}

function fail(name: string): never {
  process.stderr.write(`dist: unknown platform ${JSON.stringify(name)}; known: ${PLATFORMS.map((p) => p.name).join(', ')}\n`);
  process.exit(2);
}
