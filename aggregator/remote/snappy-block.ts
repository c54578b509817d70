import { compressSync, uncompress } from 'snappy';
import { RemoteWriteError } from './remote-write-error.ts';

/**
 * Snappy's block format (not the framed one), as remote write 1.0 requires. A block starts with its decompressed
 * length as a varint; that is checked against `maxBytes` before anything is allocated, so a small body cannot
 * claim gigabytes.
 */
export async function uncompressBlock(body: Uint8Array, maxBytes: number): Promise<Buffer> {
  const length = declaredLength(body);
  if (length === undefined) throw new RemoteWriteError('bad_snappy', 'snappy: corrupt input (no valid length header)');
  if (length > maxBytes) {
    throw new RemoteWriteError('too_large', `snappy: decompressed body would be ${length} bytes, at most ${maxBytes} accepted`);
  }
  try {
    return (await uncompress(body, { asBuffer: true })) as Buffer;
  } catch (err) {
    throw new RemoteWriteError('bad_snappy', (err as Error).message);
  }
}

export function compressBlock(bytes: Uint8Array): Buffer {
  return compressSync(bytes);
}

/** The block's leading varint (at most 32 bits, as the format says), or undefined when it is cut or too long. */
function declaredLength(body: Uint8Array): number | undefined {
  let value = 0;
  for (let i = 0; i < 5 && i < body.length; i++) {
    const byte = body[i] as number;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) return value <= 0xffffffff ? value : undefined;
  }
  return undefined;
}
