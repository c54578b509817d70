/**
 * Prometheus' float bit patterns that a remote write peer reads exactly (remote write 1.0, "Stale markers"). JavaScript
 * does not promise to keep a NaN's payload through a Number, so these are read and written as raw bits, never as
 * values: in memory Outpost carries staleness as the Sample's `stale` flag.
 */

/** The staleness marker, Prometheus' value.StaleNaN: 0x7ff0000000000002. */
const STALE_HI = 0x7ff00000;
const STALE_LO = 0x00000002;

/** value.NormalNaN, 0x7ff8000000000001: what Prometheus writes for a NaN that is not a marker. */
const NORMAL_NAN_HI = 0x7ff80000;
const NORMAL_NAN_LO = 0x00000001;

/** Whether the little-endian float64 at `offset` is the staleness marker, compared bit for bit. */
export function isStaleMarkerAt(view: DataView, offset: number): boolean {
  return view.getUint32(offset + 4, true) === STALE_HI && view.getUint32(offset, true) === STALE_LO;
}

/**
 * The two little-endian 32-bit halves (low first) to write for a sample's value. Every NaN that is not a marker is
 * written as NormalNaN, so no payload that happens to survive in a Number can ever read back as a marker.
 */
export function valueWords(v: number, stale: boolean): readonly [lo: number, hi: number] | undefined {
  if (stale) return [STALE_LO, STALE_HI];
  if (Number.isNaN(v)) return [NORMAL_NAN_LO, NORMAL_NAN_HI];
  return undefined;
}
