import { cpSync, existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';

/** Declared dependencies that only build lmdb from source (C++ headers): a prebuilt binary needs none of them. */
const BUILD_ONLY = new Set(['node-addon-api']);

/** What a device never reads: sources for rebuilding, type declarations, source maps, tests, editor and CI leftovers. */
const PRUNED_DIRS = new Set(['test', 'tests', 'benchmark', 'assets', 'src', 'dependencies', 'bin']);
const PRUNED_FILE = /(\.map|\.d\.ts|\.d\.cts|\.d\.mts|\.gyp|\.md|\.min\.js)$|^(rollup\.config|test|test-worker)\.js$/;

/**
 * Copies `name` and everything it needs at run time from `repo`'s node_modules into `dest`, keeping npm's layout
 * (a nested node_modules stays nested), so Node resolves each package exactly as it does in the repository.
 * Optional dependencies are left out; the caller adds the one platform binary lmdb needs.
 */
export function copyRuntimeTree(repo: string, name: string, dest: string): string[] {
  const copied: string[] = [];
  const visit = (pkg: string, from: string) => {
    const dir = resolvePackage(repo, pkg, from);
    const rel = relative(repo, dir);
    if (copied.includes(rel)) return;
    copied.push(rel);
    cpSync(dir, join(dest, rel), { recursive: true, filter: (src) => src === dir || keep(relative(dir, src)) });
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const dep of Object.keys(manifest.dependencies ?? {})) if (!BUILD_ONLY.has(dep)) visit(dep, dir);
  };
  visit(name, repo);
  return copied;
}

function keep(path: string): boolean {
  const parts = path.split('/');
  const file = basename(path);
  if (parts.some((p) => p.startsWith('.'))) return false;
  // Nested packages are copied when something depends on them, not wholesale.
  if (parts[0] === 'node_modules') return false;
  if (PRUNED_DIRS.has(parts[0] as string)) return false;
  return !PRUNED_FILE.test(file) || /^LICEN[CS]E/i.test(file);
}

/**
 * Node's lookup: node_modules in the requiring package's directory, then in each directory above it, skipping
 * directories that are themselves called node_modules (as Node does).
 */
function resolvePackage(repo: string, pkg: string, from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', pkg);
    if (basename(dir) !== 'node_modules' && existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === repo.replace(/\/$/, '') || dir === dirname(dir)) throw new Error(`${pkg} (needed by ${relative(repo, from) || 'the agent'}) is not installed: run npm install`);
  }
}
