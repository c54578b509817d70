const UNIT_MS: Record<string, number> = {
  y: 31_536_000_000,
  w: 604_800_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1_000,
  ms: 1,
};

// Units must appear largest first, each at most once, as in Prometheus' model.ParseDuration.
const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'] as const;

/** `1h30m`-style Prometheus duration to ms; undefined when the text is not one. */
export function parseDurationMs(text: string): number | undefined {
  if (text === '' || text === '0') return text === '0' ? 0 : undefined;
  const parts = DURATION_RE.exec(text);
  if (!parts) return undefined;
  let ms = 0;
  ORDER.forEach((unit, i) => {
    const n = parts[i + 1];
    if (n !== undefined) ms += Number(n) * (UNIT_MS[unit] as number);
  });
  return ms;
}
