import { mkdir, open, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { SEGMENT_MAGIC, frameBytes, readFrame, writeFrame, claimedFrameBytes } from './frame.js';
import type { SpoolValue } from './frame.js';
import { writeCursor, lockDir } from './files.js';
import { newSegment } from './segment.js';
import type { Segment } from './segment.js';
import { recoverSegments } from './recover.js';
import { resolveSpoolOptions } from './options.js';
import type { ResolvedSpoolOptions, SpoolDropReason, SpoolOptions } from './options.js';

/** Records read back for publishing; `ack` it once published, `release` it if that failed. */
export interface SpoolBatch {
  keys: (string | null)[];
  /** The bytes read; each value is `buffer[starts[i], starts[i] + lengths[i])`. */
  buffer: Buffer;
  starts: number[];
  lengths: number[];
  /** @internal where the batch ends in its segment. */
  readonly seq: number;
  readonly end: number;
  readonly lastAt: number;
}

export interface SpoolStats {
  /** Records held (on disk or being written), not yet acknowledged. */
  records: number;
  /** Bytes the segment files take (or will once pending writes land). */
  bytes: number;
  /** Bytes appended but not yet written. */
  pendingBytes: number;
  /** When the oldest held record was spooled (epoch ms), if any is held. */
  oldestAt: number | undefined;
  /** Records acknowledged after being read back. */
  replayed: number;
}

interface Chunk {
  segment: Segment;
  buffer: Buffer;
  used: number;
  records: number;
}

const CHUNK_BYTES = 256 * 1024;
const MIN_READ_BYTES = 64 * 1024;

/**
 * A bounded, append-only disk spool of keyed records (see README.md). `append` is synchronous and
 * never waits for the disk: the record is copied into a write chunk and written in the background;
 * over `maxPendingBytes` of unwritten bytes or `maxBytes` on disk it is dropped and counted. Records
 * are read back in append order, one batch outstanding at a time.
 */
export class Spool {
  private readonly segments: Segment[];
  private chunks: Chunk[] = [];
  private spare: Buffer[] = [];
  private writing: Promise<void> | undefined;
  private pendingBytes = 0;
  private diskBytes: number;
  private held: number;
  private replayed = 0;
  private outstanding: SpoolBatch | undefined;
  private nextSeq: number;
  private closed = false;
  private cursorWrite: Promise<void> | undefined;
  private cursorDirty = false;
  private readonly deletions = new Set<Promise<void>>();
  private readonly sweeper: NodeJS.Timeout;

  private constructor(
    private readonly o: ResolvedSpoolOptions,
    recovered: Segment[],
    private readonly unlock: () => Promise<void>,
  ) {
    this.segments = recovered;
    this.nextSeq = (recovered.at(-1)?.seq ?? 0) + 1;
    this.diskBytes = recovered.reduce((n, s) => n + s.size, 0);
    this.held = recovered.reduce((n, s) => n + s.records - s.acked, 0);
    this.sweeper = setInterval(() => this.expire(), 1_000);
    this.sweeper.unref();
  }

  /** Opens (creating) the directory, locks it, and takes over what earlier processes spooled. */
  static async open(options: SpoolOptions): Promise<Spool> {
    const o = resolveSpoolOptions(options);
    await mkdir(o.dir, { recursive: true });
    const unlock = await lockDir(o.dir);
    try {
      const recovered = await recoverSegments(o);
      if (recovered.length > 0) {
        const held = recovered.reduce((n, s) => n + s.records - s.acked, 0);
        o.log(
          `spool: ${held} records in ${recovered.length} segments of an earlier run in ${o.dir}`,
        );
      }
      return new Spool(o, recovered, unlock);
    } catch (error) {
      await unlock();
      throw error;
    }
  }

  get dir(): string {
    return this.o.dir;
  }

  /** Nothing held: no record on disk or waiting to be written. */
  get empty(): boolean {
    return this.held === 0;
  }

  /** Records on disk that a `read` can return now. */
  get readable(): boolean {
    const head = this.segments[0];
    return head !== undefined && head.committed < head.written;
  }

  stats(): SpoolStats {
    const head = this.segments.find((s) => s.records > s.acked);
    return {
      records: this.held,
      bytes: this.diskBytes,
      pendingBytes: this.pendingBytes,
      oldestAt: head?.oldestAt,
      replayed: this.replayed,
    };
  }

  /** Spools one record; false when it was dropped (and counted through `onDrop`). */
  append(key: string | null, value: SpoolValue): boolean {
    const o = this.o;
    if (this.closed) return this.drop('spool_error', 1);
    const keyBytes = key === null ? 0 : Buffer.byteLength(key, 'utf8');
    const size = frameBytes(keyBytes, value.byteLength);
    if (this.diskBytes + size + SEGMENT_MAGIC.length > o.maxBytes)
      return this.drop('spool_full', 1);
    if (this.pendingBytes + size > o.maxPendingBytes) return this.drop('spool_slow', 1);
    let segment = this.segments.at(-1);
    if (
      segment === undefined ||
      segment.sealed ||
      (segment.records > 0 && segment.size + size > o.segmentBytes)
    ) {
      if (segment !== undefined) segment.sealed = true;
      segment = this.startSegment();
    }
    const chunk = this.chunkFor(segment, size);
    const at = o.now();
    chunk.used += writeFrame(chunk.buffer, chunk.used, at, key, keyBytes, value);
    chunk.records += 1;
    if (segment.records === segment.acked) segment.oldestAt = at;
    segment.records += 1;
    segment.newestAt = at;
    segment.size += size;
    this.diskBytes += size;
    this.pendingBytes += size;
    this.held += 1;
    this.kick();
    return true;
  }

  /**
   * Reads the oldest records not yet acknowledged: up to `maxRecords` and `maxBytes` (a larger
   * first record comes alone). Undefined when none is on disk yet. Records older than `maxAgeMs`
   * are dropped (`spool_expired`) instead of returned.
   */
  async read(maxRecords: number, maxBytes: number): Promise<SpoolBatch | undefined> {
    if (this.outstanding !== undefined) throw new Error('spool: a read batch is outstanding');
    this.expire();
    for (;;) {
      const segment = this.segments[0];
      if (segment === undefined || segment.committed >= segment.written) return undefined;
      if (segment.corruptAt !== undefined && segment.committed >= segment.corruptAt) {
        this.dropRest(segment, 'spool_corrupt');
        continue;
      }
      const file = segment.file as FileHandle;
      const from = segment.committed;
      const limit = segment.corruptAt ?? segment.written;
      let buffer = Buffer.allocUnsafe(Math.min(limit - from, Math.max(maxBytes, MIN_READ_BYTES)));
      let got = (await file.read(buffer, 0, buffer.length, from)).bytesRead;
      const claimed = claimedFrameBytes(buffer, 0, got);
      if (claimed !== undefined && claimed > got && from + claimed <= limit) {
        buffer = Buffer.allocUnsafe(claimed);
        got = (await file.read(buffer, 0, claimed, from)).bytesRead;
      }
      const cutoff = this.o.now() - this.o.maxAgeMs;
      const keys: (string | null)[] = [];
      const starts: number[] = [];
      const lengths: number[] = [];
      let off = 0;
      let lastAt = segment.oldestAt;
      let expired = 0;
      let expiredEnd = from;
      while (keys.length < maxRecords) {
        const frame = readFrame(buffer, off, got);
        if (frame === 'incomplete' && off === 0) {
          // Written bytes that never make a whole frame: a damaged length.
          segment.corruptAt = from;
          break;
        }
        if (frame === 'incomplete') break;
        if (frame === 'corrupt') {
          segment.corruptAt = from + off;
          break;
        }
        if (keys.length > 0 && off + frame.size > maxBytes) break;
        off += frame.size;
        if (keys.length === 0 && frame.spooledAt < cutoff) {
          expired += 1;
          expiredEnd = from + off;
          continue;
        }
        keys.push(frame.key);
        starts.push(frame.valueStart);
        lengths.push(frame.valueLength);
        lastAt = frame.spooledAt;
      }
      if (expired > 0) {
        // Dropped, not returned: done now, so a failed publish never counts them twice.
        this.advance(segment, expiredEnd, expired, keys.length > 0 ? segment.oldestAt : lastAt);
        this.drop('spool_expired', expired);
      }
      if (keys.length === 0) continue;
      const batch: SpoolBatch = {
        keys,
        buffer,
        starts,
        lengths,
        seq: segment.seq,
        end: from + off,
        lastAt,
      };
      this.outstanding = batch;
      return batch;
    }
  }

  /** The batch was published: its records are done (and their segment deleted once all are). */
  ack(batch: SpoolBatch): void {
    if (this.outstanding !== batch) return;
    this.outstanding = undefined;
    const segment = this.segments.find((s) => s.seq === batch.seq);
    if (segment === undefined) return;
    this.replayed += batch.keys.length;
    this.advance(segment, batch.end, batch.keys.length, batch.lastAt);
  }

  /** The batch could not be published: the next `read` returns its records again. */
  release(batch: SpoolBatch): void {
    if (this.outstanding === batch) this.outstanding = undefined;
  }

  /** Resolves when every appended record has been written (or dropped for a write error). */
  async flush(): Promise<void> {
    while (this.writing !== undefined) await this.writing;
  }

  /** Writes what is pending, saves the cursor, closes the files and the lock. Appends then drop. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweeper);
    await this.flush();
    for (const s of this.segments) await s.file?.datasync().catch(() => {});
    await this.saveCursor();
    await Promise.all(this.deletions);
    for (const s of this.segments) {
      await s.file?.close().catch(() => {});
      s.file = undefined;
    }
    await this.unlock();
  }

  private drop(reason: SpoolDropReason, count: number): false {
    if (count > 0) this.o.onDrop(reason, count);
    return false;
  }

  private startSegment(): Segment {
    const segment = newSegment(this.o.dir, this.nextSeq++);
    this.segments.push(segment);
    const chunk = this.chunkFor(segment, SEGMENT_MAGIC.length);
    SEGMENT_MAGIC.copy(chunk.buffer, chunk.used);
    chunk.used += SEGMENT_MAGIC.length;
    segment.size = SEGMENT_MAGIC.length;
    this.diskBytes += SEGMENT_MAGIC.length;
    this.pendingBytes += SEGMENT_MAGIC.length;
    return segment;
  }

  private chunkFor(segment: Segment, size: number): Chunk {
    const last = this.chunks.at(-1);
    if (last !== undefined && last.segment === segment && last.used + size <= last.buffer.length) {
      return last;
    }
    const buffer =
      size <= CHUNK_BYTES
        ? (this.spare.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES))
        : Buffer.allocUnsafeSlow(size);
    const chunk = { segment, buffer, used: 0, records: 0 };
    this.chunks.push(chunk);
    return chunk;
  }

  /** Starts the background writer unless it runs; it takes chunks as they come. */
  private kick(): void {
    if (this.writing !== undefined) return;
    this.writing = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.writeAll())
      .finally(() => {
        this.writing = undefined;
        if (this.chunks.length > 0) this.kick();
      });
  }

  private async writeAll(): Promise<void> {
    for (let chunk = this.chunks.shift(); chunk !== undefined; chunk = this.chunks.shift()) {
      const segment = chunk.segment;
      try {
        if (segment.broken) throw new Error('segment is broken');
        segment.file ??= await open(segment.path, 'wx+');
        let off = 0;
        while (off < chunk.used) {
          const { bytesWritten } = await segment.file.write(
            chunk.buffer,
            off,
            chunk.used - off,
            segment.written + off,
          );
          off += bytesWritten;
        }
        segment.written += chunk.used;
        segment.writtenRecords += chunk.records;
        if (chunk.records > 0) this.o.onReadable();
      } catch (error) {
        if (!segment.broken)
          this.o.log(
            `spool: cannot write ${segment.path}: ${(error as Error).message}; its unwritten records are dropped`,
          );
        segment.broken = true;
        segment.sealed = true;
        segment.records -= chunk.records;
        segment.size -= chunk.used;
        this.diskBytes -= chunk.used;
        this.held -= chunk.records;
        this.drop('spool_error', chunk.records);
        this.prune();
      } finally {
        this.pendingBytes -= chunk.used;
        if (chunk.buffer.length === CHUNK_BYTES && this.spare.length < 4)
          this.spare.push(chunk.buffer);
      }
    }
  }

  /** Marks `count` records up to `end` of `segment` done. */
  private advance(segment: Segment, end: number, count: number, lastAt: number): void {
    segment.committed = end;
    segment.acked += count;
    segment.oldestAt = lastAt;
    this.held -= count;
    this.prune();
    this.cursorDirty = true;
    void this.saveCursor();
  }

  /** Drops what is left of a segment (damaged, or expired as a whole). */
  private dropRest(segment: Segment, reason: SpoolDropReason): void {
    const left = segment.records - segment.acked;
    segment.acked = segment.records;
    segment.committed = segment.written;
    segment.sealed = true;
    this.held -= left;
    this.drop(reason, left);
    this.prune();
  }

  /** Deletes leading segments whose records are all done and written (the active one too). */
  private prune(): void {
    for (;;) {
      const head = this.segments[0];
      if (head === undefined || head.acked < head.records || head.written < head.size) return;
      if (this.outstanding?.seq === head.seq) return;
      this.segments.shift();
      head.sealed = true;
      this.diskBytes -= head.size;
      const file = head.file;
      head.file = undefined;
      const deletion = (async () => {
        await file?.close().catch(() => {});
        await unlink(head.path).catch(() => {});
      })();
      this.deletions.add(deletion);
      void deletion.finally(() => this.deletions.delete(deletion));
    }
  }

  /** Drops whole segments whose newest record is older than `maxAgeMs`. */
  private expire(): void {
    const cutoff = this.o.now() - this.o.maxAgeMs;
    for (;;) {
      const head = this.segments[0];
      if (head === undefined || head.newestAt >= cutoff || head.records === head.acked) return;
      if (this.outstanding?.seq === head.seq || head.written < head.size) return;
      this.dropRest(head, 'spool_expired');
    }
  }

  private async saveCursor(): Promise<void> {
    if (this.cursorWrite !== undefined) return this.cursorWrite;
    if (!this.cursorDirty) return;
    this.cursorDirty = false;
    const head = this.segments[0];
    const cursor = head
      ? { seq: head.seq, offset: head.committed }
      : { seq: this.nextSeq, offset: 0 };
    this.cursorWrite = writeCursor(this.o.dir, cursor)
      .catch((error: unknown) =>
        this.o.log(`spool: cannot save the replay cursor: ${(error as Error).message}`),
      )
      .finally(() => {
        this.cursorWrite = undefined;
        if (this.cursorDirty) void this.saveCursor();
      });
    return this.cursorWrite;
  }
}
