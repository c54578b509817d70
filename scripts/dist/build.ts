import { join } from 'node:path';
import { bundleAgent } from './bundle.ts';
import type { Platform } from './platforms.ts';
import { packPlatform, type Tarball } from './tarball.ts';

export interface DistOptions {
  readonly repo: string;
  readonly platforms: readonly Platform[];
  /** Where the tarballs go (default <repo>/dist). */
  readonly outDir?: string;
  /** Scratch space for the unpacked trees (default <outDir>/.staging). */
  readonly stagingDir?: string;
}

/** Bundles the agent once and packs it for each platform. */
export async function buildAgentDist(opts: DistOptions): Promise<Tarball[]> {
  const out = opts.outDir ?? join(opts.repo, 'dist');
  const dirs = { out, staging: opts.stagingDir ?? join(out, '.staging'), cache: join(opts.repo, 'dist', '.cache') };
  const bundle = await bundleAgent(opts.repo);
  return opts.platforms.map((p) => packPlatform(opts.repo, p, bundle, dirs));
}
