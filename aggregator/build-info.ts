import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What /api/v1/status/buildinfo reports, in Prometheus' field names (Grafana reads `version`). */
export interface BuildInfo {
  readonly version: string;
  readonly revision: string;
  readonly branch: string;
  readonly buildUser: string;
  readonly buildDate: string;
  /** The runtime in Go's place: Node's version. */
  readonly goVersion: string;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const UNKNOWN = 'unknown';

/**
 * Outpost runs from its sources, so there is no build to describe: the version is package.json's, the revision and
 * branch are read from the checkout's .git files when there is one (no git process is started), the rest unknown.
 */
export function readBuildInfo(root = ROOT): BuildInfo {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  return { version, ...gitHead(root), buildUser: UNKNOWN, buildDate: UNKNOWN, goVersion: process.version };
}

function gitHead(root: string): { revision: string; branch: string } {
  const gitDir = join(root, '.git');
  try {
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return { revision: head, branch: 'HEAD' };
    const ref = head.slice('ref: '.length);
    return { revision: resolveRef(gitDir, ref) ?? UNKNOWN, branch: ref.replace(/^refs\/heads\//, '') };
  } catch {
    // No checkout (an installed copy), or a worktree whose .git is a file: not worth a git process.
    return { revision: UNKNOWN, branch: UNKNOWN };
  }
}

/** A ref is a loose file, or a line of packed-refs once git has packed it. */
function resolveRef(gitDir: string, ref: string): string | undefined {
  try {
    return readFileSync(join(gitDir, ref), 'utf8').trim();
  } catch {
    let packed = '';
    try {
      packed = readFileSync(join(gitDir, 'packed-refs'), 'utf8');
    } catch {
      return undefined;
    }
    return packed
      .split('\n')
      .map((line) => line.split(' '))
      .find(([sha, name]) => name === ref && /^[0-9a-f]{40}$/.test(sha ?? ''))?.[0];
  }
}
