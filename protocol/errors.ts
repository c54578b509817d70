/**
 * Why a payload was refused. `field` names the offending part of the wire contract (e.g. `samples.t[3]`), so the
 * message sent back to the agent tells its operator exactly what to fix.
 */
export type ProtocolErrorCode =
  | 'too_large' // payload over the size bound, never decoded
  | 'undecodable' // not CBOR at all
  | 'invalid' // CBOR, but a field breaks the contract
  | 'unsupported_version'; // a batch version this build does not know (see protocol/README.md)

export class ProtocolError extends Error {
  constructor(
    readonly code: ProtocolErrorCode,
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'ProtocolError';
  }

  /** A newer version may become readable after an aggregator upgrade; everything else never will. */
  get permanent(): boolean {
    return this.code !== 'unsupported_version';
  }
}
