/**
 * How batches reach ingest: through the embedded aedes broker (broker.ts), or as a client of a broker the site
 * already runs (external-broker.ts). Both hand every message to the same Ingest and publish its reply as the
 * agent's ack, which ingest gives only once the batch is stored: that ack, not any broker's PUBACK, is what lets an
 * agent forget a batch.
 */
export interface IngestTransport {
  /** The embedded broker's port (0 in the config picks one); undefined for an external broker. */
  readonly port?: number;
  /** SIGHUP: the embedded broker re-reads its credentials file; an external broker keeps its own (kill -HUP it). */
  reload(): void;
  /** Stops taking messages, lets the batch being stored finish, then disconnects. */
  close(): Promise<void>;
}
