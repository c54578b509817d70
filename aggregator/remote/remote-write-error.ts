/** Why a remote write request was refused as a whole: nothing from it is stored. */
export type RemoteWriteErrorCode =
  | 'too_large' // body or decompressed body over its bound (413)
  | 'unsupported' // a Content-Encoding or Content-Type other than remote write 1.0's (415)
  | 'bad_snappy' // not a snappy block (400)
  | 'bad_protobuf'; // not a prometheus.WriteRequest (400)

export class RemoteWriteError extends Error {
  constructor(
    readonly code: RemoteWriteErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RemoteWriteError';
  }
}
