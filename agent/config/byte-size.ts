const UNITS: Record<string, number> = {
  B: 1,
  KB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
};

export const BYTE_SIZE_RULE = 'a size such as 64MB or 2GB (powers of 1024, as in Prometheus)';

/** A size as Prometheus writes one (units.Base2Bytes: `10MB` is 10 MiB; `MiB` spellings too); undefined if bad. */
export function parseByteSize(text: string): number | undefined {
  const m = /^(\d+)(B|[KMGT]i?B)?$/.exec(text.trim());
  const unit = UNITS[m?.[2] ?? 'B'];
  return m && unit !== undefined ? Number(m[1]) * unit : undefined;
}

/** `bytes` in the largest unit that divides it: 268435456 → "256MB". */
export function formatByteSize(bytes: number): string {
  for (const unit of ['TB', 'GB', 'MB', 'KB'] as const) {
    const size = UNITS[unit] as number;
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}

export const BYTE_RATE_RULE = 'bytes per second such as 256KB or 1MB/s (powers of 1024; 0 for no cap)';

/** A rate as a byte size per second, `/s` optional: `256KB` and `256KB/s` are 262144; undefined if bad. */
export function parseByteRate(text: string): number | undefined {
  return parseByteSize(text.trim().replace(/\/s$/, ''));
}
