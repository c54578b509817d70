/**
 * The device platforms an agent tarball is built for. Each differs only in lmdb's native binary, which lmdb ships
 * as one npm package per platform (@lmdb/lmdb-<os>-<arch>); everything else in the tarball is JavaScript.
 */
export interface Platform {
  /** `<os>-<arch>` as Node.js names them (process.platform, process.arch). */
  readonly name: string;
  readonly os: 'linux';
  readonly cpu: 'x64' | 'arm64' | 'arm';
  /** Who runs it, for the README. */
  readonly devices: string;
}

export const PLATFORMS: readonly Platform[] = [
  { name: 'linux-x64', os: 'linux', cpu: 'x64', devices: 'PCs, industrial PCs, VMs' },
  { name: 'linux-arm64', os: 'linux', cpu: 'arm64', devices: 'Raspberry Pi 3/4/5 with a 64-bit OS, other ARMv8 boards' },
  { name: 'linux-arm', os: 'linux', cpu: 'arm', devices: 'Raspberry Pi 2/3/4 with the 32-bit Raspberry Pi OS (ARMv7)' },
];

export function platformNamed(name: string): Platform | undefined {
  return PLATFORMS.find((p) => p.name === name);
}

/** The machine running this script, for tests and benchmarks that run what they built. */
export function hostPlatform(): Platform | undefined {
  return platformNamed(`${process.platform}-${process.arch}`);
}
