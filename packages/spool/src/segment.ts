import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { SEGMENT_MAGIC, claimedFrameBytes, readFrame } from './frame.js';
import type { ReadFrame } from './frame.js';

/** One append-only segment file and what the spool knows of it. */
export interface Segment {
  seq: number;
  path: string;
  /** Open read/write handle; undefined until the first write (or after deletion). */
  file: FileHandle | undefined;
  /** Bytes allotted: magic + frames written or waiting to be written. */
  size: number;
  /** Bytes on disk: frames before this offset can be read back. */
  written: number;
  /** Offset of the first frame not yet acknowledged. */
  committed: number;
  /** Frames in the segment: all, on disk, acknowledged (or dropped). */
  records: number;
  writtenRecords: number;
  acked: number;
  /** spooledAt of the oldest frame not acknowledged (a lower bound after partial acks). */
  oldestAt: number;
  newestAt: number;
  /** Takes no more appends. */
  sealed: boolean;
  /** A write failed: what is on disk stays readable, nothing more goes in. */
  broken: boolean;
  /** A frame at this offset failed its crc: the rest of the segment is dropped when reached. */
  corruptAt: number | undefined;
}

const NAME = /^(\d{12})\.seg$/;

export function segmentName(seq: number): string {
  return `${String(seq).padStart(12, '0')}.seg`;
}

export function segmentSeq(name: string): number | undefined {
  const m = NAME.exec(name);
  return m ? Number(m[1]) : undefined;
}

export function newSegment(dir: string, seq: number): Segment {
  return {
    seq,
    path: join(dir, segmentName(seq)),
    file: undefined,
    size: 0,
    written: 0,
    committed: SEGMENT_MAGIC.length,
    records: 0,
    writtenRecords: 0,
    acked: 0,
    oldestAt: 0,
    newestAt: 0,
    sealed: false,
    broken: false,
    corruptAt: undefined,
  };
}

const SCAN_CHUNK = 4 * 1_048_576;

export interface ScanResult {
  /** Offset after the last whole, intact frame. */
  end: number;
  /** Bytes after `end` that were not a whole intact frame (a torn write, or damage). */
  damaged: boolean;
}

/**
 * Walks the frames of `file` from after its magic to `size`, crc-checking each, calling `onFrame`
 * with the frame's offset. Stops at the first frame that is torn or damaged.
 */
export async function scanFrames(
  file: FileHandle,
  size: number,
  onFrame: (frame: ReadFrame, offset: number) => void,
): Promise<ScanResult> {
  let pos = SEGMENT_MAGIC.length;
  let buffer = Buffer.allocUnsafe(Math.min(SCAN_CHUNK, Math.max(64, size)));
  while (pos < size) {
    const want = Math.min(buffer.length, size - pos);
    const { bytesRead } = await file.read(buffer, 0, want, pos);
    let off = 0;
    for (;;) {
      const frame = readFrame(buffer, off, bytesRead);
      if (frame === 'corrupt') return { end: pos + off, damaged: true };
      if (frame === 'incomplete') break;
      onFrame(frame, pos + off);
      off += frame.size;
    }
    if (off === 0) {
      // The frame does not fit the buffer: a large record (read it whole) or a torn tail.
      const claimed = claimedFrameBytes(buffer, 0, bytesRead);
      if (claimed === undefined || pos + claimed > size || bytesRead < want) {
        return { end: pos, damaged: true };
      }
      buffer = Buffer.allocUnsafe(claimed);
      continue;
    }
    pos += off;
  }
  return { end: pos, damaged: false };
}
