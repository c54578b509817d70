/**
 * One shared scratch word for moving a float64 to and from its two 32-bit halves. Typed arrays keep NaN payloads
 * (JavaScript arrays of doubles may not), which is what lets XOR-coded values round-trip bit-exactly.
 */
export const F64 = new Float64Array(1);
export const U32 = new Uint32Array(F64.buffer);

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Index in U32 of the sign/exponent half. */
export const HI = littleEndian ? 1 : 0;
/** Index in U32 of the low mantissa half. */
export const LO = littleEndian ? 0 : 1;
