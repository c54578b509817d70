import type { Labels } from '../../protocol/labels.ts';
import { chunkSamples, ChunkWriter, mustCut, type HeadRecord } from './chunk-layout.ts';
import { OooBuffer } from './ooo-buffer.ts';
import { chunkFirstT, DEFAULT_CHUNK_LIMITS, XorChunk } from './tsdb/index.ts';

/** A chunk cut from the head that the next checkpoint writes to LMDB; readable from memory until then. */
export interface PendingChunk {
  readonly minT: number;
  readonly maxT: number;
  /** Store-wide chunk number: among out-of-order chunks, the higher one was written later and wins a tie. */
  readonly seq: number;
  readonly ooo: boolean;
  readonly bytes: Uint8Array;
  readonly samples: number;
  /** Set once a checkpoint has queued its write; it leaves memory when that write has committed. */
  persisting: boolean;
}

/**
 * One series' in-memory state (STORAGE.md, "Head"): the open in-order chunk, the out-of-order buffer, and chunks cut
 * since the last checkpoint. Every change goes through append (live or replayed from the WAL) or retention, so
 * replaying the WAL onto the last checkpoint rebuilds exactly this.
 */
export class MemSeries {
  /** Newest in-order timestamp; -Infinity before the first sample. */
  maxT = -Infinity;
  readonly pending: PendingChunk[] = [];
  /** Changed since the last checkpoint: its head record must be written again, and retention leaves it alone. */
  dirty = false;
  private head: XorChunk | undefined;
  /** The head chunk as restored from its record: decoded into an appendable chunk only when a sample comes. */
  private frozen: Uint8Array | undefined;
  private headMin = Infinity;
  private ooo: OooBuffer | undefined;

  constructor(
    readonly id: number,
    readonly labels: Labels,
    /** Who created it (an agent, or a remote_write source): its series count is limited. */
    readonly source: string,
    record?: HeadRecord,
  ) {
    if (record === undefined) return;
    this.maxT = record.maxT;
    if (record.head !== undefined && chunkSamples(record.head) > 0) {
      this.frozen = record.head;
      this.headMin = chunkFirstT(record.head);
    }
    if (record.ooo !== undefined) this.ooo = OooBuffer.fromChunk(record.ooo);
  }

  /** A sample newer than maxT. */
  appendInOrder(t: number, v: number, stale: boolean, nextSeq: () => number): void {
    let head = this.thaw();
    if (head !== undefined && mustCut(head, t)) {
      this.cut(head, false, nextSeq());
      head = undefined;
    }
    if (head === undefined) {
      head = this.head = new XorChunk();
      this.headMin = t;
    }
    head.append(t, v, stale);
    this.maxT = t;
    this.dirty = true;
  }

  /** A sample at or before maxT: kept in the buffer, replacing one of the same timestamp. */
  appendOutOfOrder(t: number, v: number, stale: boolean, nextSeq: () => number): void {
    const ooo = (this.ooo ??= new OooBuffer());
    ooo.insert(t, v, stale);
    this.dirty = true;
    if (ooo.length < DEFAULT_CHUNK_LIMITS.maxSamples) return;
    const writer = new ChunkWriter();
    for (let i = 0; i < ooo.length; i++) writer.push(ooo.t(i), ooo.v(i), ooo.stale(i));
    for (const chunk of writer.finish()) this.cut(chunk, true, nextSeq());
    ooo.clear();
  }

  /** The open in-order chunk's bytes and first timestamp, if it holds samples. */
  headChunk(): { readonly bytes: Uint8Array; readonly minT: number } | undefined {
    if (this.frozen !== undefined) return { bytes: this.frozen, minT: this.headMin };
    return this.head !== undefined && this.head.numSamples > 0 ? { bytes: this.head.bytes(), minT: this.headMin } : undefined;
  }

  headSamples(): number {
    return this.frozen !== undefined ? chunkSamples(this.frozen) : (this.head?.numSamples ?? 0);
  }

  oooBuffer(): OooBuffer | undefined {
    return this.ooo !== undefined && this.ooo.length > 0 ? this.ooo : undefined;
  }

  /** Where the not-yet-stored in-order data starts: stored out-of-order chunks before it can be compacted. */
  unstoredInOrderMinT(): number {
    let min = this.hasHead() ? this.headMin : Infinity;
    for (const c of this.pending) if (!c.ooo && c.minT < min) min = c.minT;
    return min;
  }

  headRecord(): HeadRecord {
    return { maxT: this.maxT, head: this.headChunk()?.bytes, ooo: this.oooBuffer()?.toChunk().bytes() };
  }

  hasMemoryData(): boolean {
    return this.hasHead() || this.oooBuffer() !== undefined || this.pending.length > 0;
  }

  /**
   * Retention on memory: drops the head chunk when all of it is older than `cutoff`, and buffered out-of-order
   * samples older than it. Returns how many samples went. Only for a series that is not dirty (STORAGE.md).
   */
  dropBefore(cutoff: number): number {
    let dropped = 0;
    if (this.hasHead() && this.maxT < cutoff) {
      dropped += this.headSamples();
      this.head = undefined;
      this.frozen = undefined;
      this.headMin = Infinity;
    }
    if (this.ooo !== undefined) dropped += this.ooo.dropBefore(cutoff);
    return dropped;
  }

  private hasHead(): boolean {
    return this.frozen !== undefined || (this.head?.numSamples ?? 0) > 0;
  }

  private thaw(): XorChunk | undefined {
    if (this.frozen !== undefined) {
      this.head = XorChunk.fromBytes(this.frozen);
      this.frozen = undefined;
    }
    return this.head;
  }

  private cut(chunk: XorChunk, ooo: boolean, seq: number): void {
    this.pending.push({ minT: chunk.minT, maxT: chunk.maxT, seq, ooo, bytes: chunk.bytes(), samples: chunk.numSamples, persisting: false });
    if (!ooo) {
      this.head = undefined;
      this.headMin = Infinity;
    }
  }
}
