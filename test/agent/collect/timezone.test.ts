import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { timeCollector } from '../../../agent/collect/host/time.ts';
import { localZone, localZoneFile, parsePosixTz, zoneFromTzif } from '../../../agent/collect/host/timezone.ts';
import { value } from './fixtures.ts';

/** A TZif file: an empty version-1 block, then version 2 with 64-bit transitions and the footer. */
function tzif(transitions: Array<[number, number]>, types: Array<[number, boolean, string]>, footer: string): Buffer {
  const chars = types.map(([, , abbr]) => `${abbr}\0`).join('');
  const header = (timecnt: number, typecnt: number, charcnt: number) => {
    const h = Buffer.alloc(44);
    h.write('TZif2', 0, 'latin1');
    [0, 0, 0, timecnt, typecnt, charcnt].forEach((n, i) => h.writeUInt32BE(n, 20 + 4 * i));
    return h;
  };
  const body: Buffer[] = [header(0, 1, 1), Buffer.from([0, 0, 0, 0, 0, 0, 0]), header(transitions.length, types.length, chars.length)];
  for (const [t] of transitions) {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(t));
    body.push(b);
  }
  body.push(Buffer.from(transitions.map(([, i]) => i)));
  let at = 0;
  for (const [offset, dst, abbr] of types) {
    const b = Buffer.alloc(6);
    b.writeInt32BE(offset);
    b[4] = dst ? 1 : 0;
    b[5] = at;
    at += abbr.length + 1;
    body.push(b);
  }
  body.push(Buffer.from(chars, 'latin1'), Buffer.from(`\n${footer}\n`, 'latin1'));
  return Buffer.concat(body);
}

const JAN_2030 = Date.UTC(2030, 0, 15) / 1000;
const JUL_2030 = Date.UTC(2030, 6, 15) / 1000;

describe('POSIX TZ strings', () => {
  it.each([
    ['CET-1CEST,M3.5.0,M10.5.0/3', { std: 'CET', stdOffset: 3600, dst: 'CEST' }],
    ['EST5EDT,M3.2.0,M11.1.0', { std: 'EST', stdOffset: -18000, dst: 'EDT' }],
    ['<+0330>-3:30', { std: '+0330', stdOffset: 12600 }],
    ['UTC0', { std: 'UTC', stdOffset: 0 }],
    ['<+1030>-10:30<+11>-11,M10.1.0,M4.1.0', { std: '+1030', stdOffset: 37800, dst: '+11' }],
  ])('%s', (tz, expected) => {
    expect(parsePosixTz(tz)).toEqual(expected);
  });
});

describe('zone from a TZif file', () => {
  // Two transitions in 2020, then the footer rule.
  const file = tzif(
    [
      [Date.UTC(2020, 2, 29, 1) / 1000, 1],
      [Date.UTC(2020, 9, 25, 1) / 1000, 0],
    ],
    [
      [3600, false, 'CET'],
      [7200, true, 'CEST'],
    ],
    'CET-1CEST,M3.5.0,M10.5.0/3',
  );

  it('uses the transition table while it covers the time', () => {
    expect(zoneFromTzif(file, Date.UTC(2020, 5, 1) / 1000, 0)).toEqual({ name: 'CEST', offset: 7200 });
    expect(zoneFromTzif(file, Date.UTC(2020, 0, 1) / 1000, 0)).toEqual({ name: 'CET', offset: 3600 });
  });

  it('picks standard or daylight from the footer after the last transition', () => {
    expect(zoneFromTzif(file, JAN_2030, 3600)).toEqual({ name: 'CET', offset: 3600 });
    expect(zoneFromTzif(file, JUL_2030, 7200)).toEqual({ name: 'CEST', offset: 7200 });
  });

  it('takes the only type of a file without transitions, and rejects what is not TZif', () => {
    expect(zoneFromTzif(tzif([], [[0, false, 'UTC']], 'UTC0'), JAN_2030, 0)).toEqual({ name: 'UTC', offset: 0 });
    expect(zoneFromTzif(Buffer.from('not a zone file at all, but long enough to have a header'), 0, 0)).toBeUndefined();
  });

  it('follows Go: TZ unset means /etc/localtime, TZ empty or UTC means UTC', async () => {
    expect(localZoneFile({})).toBe('/etc/localtime');
    expect(localZoneFile({ TZ: '' })).toBeUndefined();
    expect(localZoneFile({ TZ: 'UTC' })).toBeUndefined();
    expect(localZoneFile({ TZ: ':Europe/Berlin' })).toBe('/usr/share/zoneinfo/Europe/Berlin');
    expect(localZoneFile({ TZ: '/opt/zones/x' })).toBe('/opt/zones/x');
    expect(await localZone(Date.now(), '/nonexistent-outpost-zone')).toEqual({ name: 'UTC', offset: 0 });
    expect(await localZone(Date.now(), undefined)).toEqual({ name: 'UTC', offset: 0 });
  });
});

/** The offset ICU computes for a named zone, independently of the code under test. */
function icuOffset(zone: string, seconds: number): number {
  const text = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
    .formatToParts(new Date(seconds * 1000))
    .find((p) => p.type === 'timeZoneName')?.value as string;
  const m = /GMT([+-])(\d\d):(\d\d)/.exec(text);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60) : 0;
}

describe.runIf(existsSync('/usr/share/zoneinfo/Europe/Berlin'))('zone from the system tzdata', () => {
  it.each([
    ['Europe/Berlin', JAN_2030, 'CET'],
    ['Europe/Berlin', JUL_2030, 'CEST'],
    ['America/New_York', JAN_2030, 'EST'],
    ['America/New_York', JUL_2030, 'EDT'],
    ['Asia/Kolkata', JUL_2030, 'IST'],
    ['Asia/Tehran', JAN_2030, '+0330'],
    ['Etc/UTC', JUL_2030, 'UTC'],
  ])('%s at %i is %s', (zone, at, name) => {
    const offset = icuOffset(zone, at);
    expect(zoneFromTzif(readFileSync(`/usr/share/zoneinfo/${zone}`), at, offset)).toEqual({ name, offset });
  });
});

describe('time collector zone offset', () => {
  it('labels the offset with the zone abbreviation', async () => {
    const zone = async () => ({ name: 'CEST', offset: 7200 });
    const samples = await timeCollector({ sysPath: '/nonexistent-outpost-sys', zone }).collect(0);
    expect(value(samples, 'node_time_zone_offset_seconds', { time_zone: 'CEST' })).toBe(7200);
  });
});
