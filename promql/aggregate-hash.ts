import type { Labels } from '../protocol/labels.ts';

/**
 * Prometheus' labels.Hash() as its release builds compute it, for limit_ratio's sample selection: XXH64 (seed 0)
 * of the label set in the default "stringlabels" encoding, i.e. for each label sorted by name, the name's UTF-8
 * length, the name, the value's length, the value; a length below 255 is one byte, else 0xff and 3 bytes
 * little-endian (model/labels/labels_stringlabels.go). The "slicelabels" build tag hashes differently (0xff
 * separators), so sampling matches official binaries and images, not custom builds with that tag.
 */

const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;
const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);
const rotl = (x: bigint, r: bigint): bigint => u64((x << r) | (x >> (64n - r)));
const round = (acc: bigint, input: bigint): bigint => u64(rotl(u64(acc + input * P2), 31n) * P1);
const merge = (acc: bigint, v: bigint): bigint => u64((acc ^ round(0n, v)) * P1 + P4);

/** XXH64 with seed 0, as github.com/cespare/xxhash/v2's Sum64. */
export function xxhash64(b: Uint8Array): bigint {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = b.byteLength;
  let i = 0;
  let h: bigint;
  if (n >= 32) {
    let v1 = u64(P1 + P2);
    let v2 = P2;
    let v3 = 0n;
    let v4 = u64(-P1);
    for (; i + 32 <= n; i += 32) {
      v1 = round(v1, view.getBigUint64(i, true));
      v2 = round(v2, view.getBigUint64(i + 8, true));
      v3 = round(v3, view.getBigUint64(i + 16, true));
      v4 = round(v4, view.getBigUint64(i + 24, true));
    }
    h = u64(rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n));
    h = merge(merge(merge(merge(h, v1), v2), v3), v4);
  } else {
    h = P5;
  }
  h = u64(h + BigInt(n));
  for (; i + 8 <= n; i += 8) h = u64(rotl(h ^ round(0n, view.getBigUint64(i, true)), 27n) * P1 + P4);
  if (i + 4 <= n) {
    h = u64(rotl(h ^ u64(BigInt(view.getUint32(i, true)) * P1), 23n) * P2 + P3);
    i += 4;
  }
  for (; i < n; i++) h = u64(rotl(h ^ u64(BigInt(b[i] as number) * P5), 11n) * P1);
  h = u64((h ^ (h >> 33n)) * P2);
  h = u64((h ^ (h >> 29n)) * P3);
  return h ^ (h >> 32n);
}

function pushSized(out: number[], bytes: Uint8Array): void {
  const n = bytes.length;
  if (n < 255) out.push(n);
  else out.push(255, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff);
  for (const x of bytes) out.push(x);
}

const enc = new TextEncoder();

/** labels.Hash() of a label set; labels with an empty value do not exist in Prometheus and are skipped. */
export function labelsHash(labels: Labels): bigint {
  const pairs = Object.entries(labels)
    .filter(([, value]) => value !== '')
    .map(([name, value]) => [enc.encode(name), enc.encode(value)] as const)
    .sort(([a], [b]) => Buffer.compare(a, b));
  const out: number[] = [];
  for (const [name, value] of pairs) {
    pushSized(out, name);
    pushSized(out, value);
  }
  return xxhash64(Uint8Array.from(out));
}

const offsets = new WeakMap<Labels, number>();

/** float64(labels.Hash()) / float64(math.MaxUint64), the series' fixed position in [0, 1] for limit_ratio. */
export function sampleOffset(labels: Labels): number {
  let offset = offsets.get(labels);
  if (offset === undefined) {
    offset = Number(labelsHash(labels)) / 2 ** 64;
    offsets.set(labels, offset);
  }
  return offset;
}
