import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Left out of the bundle: lmdb loads a native binary next to its own files, so it ships as a package beside it. */
export const EXTERNAL_PACKAGES = ['lmdb'];
/**
 * Optional native speed-ups that the bundled packages try to load and do without: cbor-x (cbor-extract) and ws
 * (bufferutil, utf-8-validate). Leaving them out keeps the tarball one native binary per platform.
 */
const OPTIONAL_NATIVE = ['cbor-extract', 'bufferutil', 'utf-8-validate'];

export interface Bundle {
  readonly code: Uint8Array;
  /** Every npm package compiled into the bundle, for the licence notices. */
  readonly packages: readonly { readonly name: string; readonly dir: string }[];
}

/**
 * The agent's CLI (cli/outpost-agent.ts) and every pure-JavaScript dependency, compiled by esbuild into one ES
 * module for Node 20: no tsx at run time, no TypeScript compiled on the device, and one file to read at start.
 * esbuild is a devDependency (the same version tsx runs on).
 */
export async function bundleAgent(repo: string): Promise<Bundle> {
  const result = await build({
    entryPoints: [join(repo, 'cli/outpost-agent.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    outfile: 'outpost.mjs',
    external: [...EXTERNAL_PACKAGES, ...OPTIONAL_NATIVE],
    metafile: true,
    logLevel: 'error',
    legalComments: 'none',
    banner: {
      js: [
        '#!/usr/bin/env node',
        // Bundled CommonJS packages call require() for Node's own modules; an ES module has none of its own.
        "import { createRequire as __outpostRequire } from 'node:module';",
        'const require = __outpostRequire(import.meta.url);',
        "if (Number(process.versions.node.split('.')[0]) < 20) { process.stderr.write(`outpost: needs Node.js 20 or later, this is ${process.version}\\n`); process.exit(1); }",
      ].join('\n'),
    },
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error('esbuild wrote no output');
  const dirs = new Set<string>();
  for (const input of Object.keys(result.metafile.inputs)) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) dirs.add(m[1] as string);
  }
  const packages = [...dirs].map((dir) => ({ name: packageName(join(repo, dir)), dir: join(repo, dir) })).sort((a, b) => a.name.localeCompare(b.name));
  return { code: output.contents, packages };
}

function packageName(dir: string): string {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string };
  return `${pkg.name}@${pkg.version}`;
}

/** The licence text of each bundled package (MIT and friends ask for their notice to travel with the code). */
export function thirdPartyNotices(packages: Bundle['packages']): string {
  const sections = packages.map(({ name, dir }) => {
    const file = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license', 'LICENCE'].map((f) => join(dir, f)).find((f) => existsSync(f));
    const declared = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { license?: string }).license ?? 'see the package';
    return `${name} (${declared})\n\n${file ? readFileSync(file, 'utf8').trim() : `License: ${declared}`}\n`;
  });
  return `Packages compiled into lib/outpost.mjs, with their licences. Those under node_modules/ carry their own.\n\n${sections.join('\n---\n\n')}`;
}
