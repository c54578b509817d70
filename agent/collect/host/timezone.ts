import { readFile } from 'node:fs/promises';

/** A zone as Go's time.Now().Zone() reports it: abbreviation and offset east of UTC in seconds. */
export interface Zone {
  readonly name: string;
  readonly offset: number;
}

const UTC: Zone = { name: 'UTC', offset: 0 };

/** Names and standard offset (seconds east) of a POSIX TZ string such as "CET-1CEST,M3.5.0,M10.5.0/3". */
export function parsePosixTz(tz: string): { std: string; stdOffset: number; dst?: string } | undefined {
  const m = /^(<[^>]*>|[A-Za-z]{3,})([+-]?\d{1,3}(?::\d{1,2}(?::\d{1,2})?)?)(<[^>]*>|[A-Za-z]{3,})?/.exec(tz);
  if (!m) return undefined;
  const bare = (name: string) => name.replace(/^<|>$/g, '');
  const [h = '0', min = '0', s = '0'] = (m[2] as string).replace(/^[+-]/, '').split(':');
  const west = (Number(h) * 3600 + Number(min) * 60 + Number(s)) * (m[2]?.startsWith('-') ? -1 : 1);
  return { std: bare(m[1] as string), stdOffset: 0 - west, ...(m[3] ? { dst: bare(m[3]) } : {}) };
}

/**
 * The zone in effect at `atSeconds` according to a TZif file (tzfile(5)), as Go's time package resolves it: the
 * last transition at or before that time, past the last one the footer's TZ rule, and the first type when there
 * are no transitions at all (Etc/UTC). Evaluating that rule's dates
 * is left to the caller's `offsetNow` (the C library's view of the same zone), which picks standard or daylight.
 */
export function zoneFromTzif(buf: Buffer, atSeconds: number, offsetNow: number): Zone | undefined {
  if (buf.length < 44 || buf.toString('latin1', 0, 4) !== 'TZif') return undefined;
  const counts = (at: number) => [0, 1, 2, 3, 4, 5].map((i) => buf.readUInt32BE(at + 20 + 4 * i)) as number[];
  /** Bytes of a data block with t-byte times: transitions+indices, types, abbreviations, leap records, flags. */
  const blockSize = ([isut = 0, isstd = 0, leap = 0, time = 0, type = 0, char = 0]: number[], t: number) =>
    time * (t + 1) + type * 6 + char + leap * (t + 4) + isstd + isut;
  let at = 0;
  let c = counts(0);
  let timeSize = 4;
  const v2 = buf[4] !== 0;
  if (v2) {
    at = 44 + blockSize(c, 4);
    c = counts(at);
    timeSize = 8;
  }
  const [, , , timecnt = 0, typecnt = 0, charcnt = 0] = c;
  let p = at + 44;
  const times: number[] = [];
  for (let i = 0; i < timecnt; i += 1, p += timeSize) {
    times.push(timeSize === 8 ? Number(buf.readBigInt64BE(p)) : buf.readInt32BE(p));
  }
  const indices = [...buf.subarray(p, p + timecnt)];
  p += timecnt;
  const types = Array.from({ length: typecnt }, (_, i) => ({
    offset: buf.readInt32BE(p + 6 * i),
    abbr: buf[p + 6 * i + 5] as number,
  }));
  p += typecnt * 6;
  const chars = buf.subarray(p, p + charcnt);
  const abbr = (i: number) => {
    const end = chars.indexOf(0, i);
    return chars.toString('latin1', i, end < 0 ? undefined : end);
  };
  const footerText = v2 ? buf.toString('latin1', at + 44 + blockSize(c, 8)).trim() : '';
  const footer = footerText === '' ? undefined : parsePosixTz(footerText);

  let last = -1;
  for (let i = 0; i < times.length && (times[i] as number) <= atSeconds; i += 1) last = i;
  if (footer && times.length > 0 && last === times.length - 1) {
    const name = offsetNow === footer.stdOffset || !footer.dst ? footer.std : footer.dst;
    return { name, offset: offsetNow };
  }
  const type = types[last < 0 ? 0 : (indices[last] as number)];
  return type ? { name: abbr(type.abbr), offset: type.offset } : undefined;
}

/** Which zone file Go's time package loads as Local: $TZ (":" optional), /etc/localtime when TZ is unset. */
export function localZoneFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const tz = env.TZ?.replace(/^:/, '');
  if (tz === undefined) return '/etc/localtime';
  if (tz === '' || tz === 'UTC') return undefined;
  return tz.startsWith('/') ? tz : `/usr/share/zoneinfo/${tz}`;
}

/** The local zone at `ms` as node_exporter names it in node_time_zone_offset_seconds{time_zone}; UTC as Go falls back. */
export async function localZone(ms: number, file = localZoneFile()): Promise<Zone> {
  if (file === undefined) return UTC;
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch {
    return UTC;
  }
  const offsetNow = -new Date(ms).getTimezoneOffset() * 60;
  return zoneFromTzif(buf, Math.floor(ms / 1000), offsetNow) ?? UTC;
}
