import { existsSync } from 'node:fs';

/**
 * A real peer program a test runs against (Debian packages; .ci/run installs them).
 * Missing on a developer machine: the caller skips with a loud line naming the package that would run it.
 * Missing under CI=true: an error, because CI must run every peer test.
 */
export function peer(binary: string, debianPackage: string): string | undefined {
  const path = [binary, `/usr/bin/${binary}`, `/usr/sbin/${binary}`].find((p) => p.startsWith('/') && existsSync(p));
  if (path) return path;
  const message = `PEER TEST NOT RUN: ${binary} is missing; install the Debian package ${debianPackage} (apt-get install -y ${debianPackage}) to run it`;
  if (process.env.CI === 'true') throw new Error(message);
  process.stderr.write(`\n*** ${message} ***\n\n`);
  return undefined;
}
