import type { EncodedTapRecord } from '@shadowdiff/contracts';
import type { OutboundMessage } from '@shadowdiff/engine';

/** A record's bytes: as a buffer, or from an encoder that writes them where they are kept. */
export type RecordBytes = Uint8Array | EncodedTapRecord;

/** Records taken off a RecordQueue, to publish (and to put back if that fails). */
export interface QueuedBatch {
  keys: (string | null)[];
  segments: Buffer[];
  starts: number[];
  lengths: number[];
}

/** Room for records is taken in segments of this size (a larger record gets a segment of its own). */
const SEGMENT_BYTES = 512 * 1024;

/**
 * The tap's queue of encoded records waiting for a batch. Each record's bytes are copied, as it is
 * queued, into large off-heap segments; the queue keeps only the key and where the bytes are.
 *
 * Records wait up to `lingerMs` (200 ms by default) — long enough to outlive young-generation
 * collections. Held as one Buffer (and its 8 KiB pool slab) plus a message object per record they
 * were promoted and then died in the old generation: in mirror mode that was a full mark-compact
 * every ~0.3 s, pauses up to ~8 ms, most of the tap's p99. Here a record leaves nothing behind on
 * the heap but its key and a few numbers in arrays.
 */
export class RecordQueue {
  private keys: (string | null)[] = [];
  private segments: Buffer[] = [];
  private starts: number[] = [];
  private lengths: number[] = [];
  private segment: Buffer | undefined;
  private used = 0;

  get length(): number {
    return this.keys.length;
  }

  /** Bytes of the record at `i` (0 = oldest). */
  sizeAt(i: number): number {
    return this.lengths[i] as number;
  }

  push(key: string | null, value: RecordBytes): void {
    const size = value.byteLength;
    if (this.segment === undefined || this.used + size > this.segment.length) {
      this.segment = Buffer.allocUnsafeSlow(Math.max(SEGMENT_BYTES, size));
      this.used = 0;
    }
    if (value instanceof Uint8Array) this.segment.set(value, this.used);
    else value.copyTo(this.segment, this.used);
    this.keys.push(key);
    this.segments.push(this.segment);
    this.starts.push(this.used);
    this.lengths.push(size);
    this.used += size;
  }

  /** Takes the `n` oldest records. */
  take(n: number): QueuedBatch {
    return {
      keys: this.keys.splice(0, n),
      segments: this.segments.splice(0, n),
      starts: this.starts.splice(0, n),
      lengths: this.lengths.splice(0, n),
    };
  }

  /** Puts a batch back in front, oldest first, as it was taken. */
  putBack(batch: QueuedBatch): void {
    this.keys = batch.keys.concat(this.keys);
    this.segments = batch.segments.concat(this.segments);
    this.starts = batch.starts.concat(this.starts);
    this.lengths = batch.lengths.concat(this.lengths);
  }

  clear(): void {
    this.keys = [];
    this.segments = [];
    this.starts = [];
    this.lengths = [];
    this.segment = undefined;
    this.used = 0;
  }
}

/**
 * The batch as publisher messages, made only for the publish call. `views`: values are views into
 * the segments — only for a publisher that copies them before `publish` returns; one that keeps
 * values (an in-memory bus, a decoder slicing bodies out of them) gets copies, or a single kept
 * record would pin a whole segment.
 */
export function batchMessages(
  topic: string,
  batch: QueuedBatch,
  views: boolean,
): OutboundMessage[] {
  const out = new Array<OutboundMessage>(batch.keys.length);
  for (let i = 0; i < out.length; i++) {
    const start = batch.starts[i] as number;
    const view = (batch.segments[i] as Buffer).subarray(
      start,
      start + (batch.lengths[i] as number),
    );
    out[i] = {
      topic,
      key: batch.keys[i] as string | null,
      value: views ? view : Buffer.from(view),
    };
  }
  return out;
}
