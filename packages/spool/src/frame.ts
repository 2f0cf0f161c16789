import { crc32 } from 'node:zlib';

/**
 * A record on disk: `[u32 bodyLength][u32 crc32(body)]` then the body
 * `[f64 spooledAt ms][i32 keyLength, -1 = null key][key utf-8][value]`, little-endian.
 * The crc covers the whole body, so a torn write (a crash mid-append) or a flipped bit is found
 * at the first frame it touches and nothing after it is trusted.
 */
export const FRAME_HEADER_BYTES = 8;
const BODY_FIXED_BYTES = 12;

/** First bytes of every segment file: format name and version. */
export const SEGMENT_MAGIC = Buffer.from('SDSPOOL1', 'latin1');

/** A record's value: bytes, or an encoder that writes them where they are kept. */
export type SpoolValue =
  Uint8Array | { readonly byteLength: number; copyTo(target: Buffer, offset: number): void };

/** Bytes a record takes on disk. */
export function frameBytes(keyBytes: number, valueBytes: number): number {
  return FRAME_HEADER_BYTES + BODY_FIXED_BYTES + keyBytes + valueBytes;
}

/** Writes one frame at `offset` of `target` (which has room: see `frameBytes`). */
export function writeFrame(
  target: Buffer,
  offset: number,
  spooledAt: number,
  key: string | null,
  keyBytes: number,
  value: SpoolValue,
): number {
  const bodyStart = offset + FRAME_HEADER_BYTES;
  const bodyLength = BODY_FIXED_BYTES + keyBytes + value.byteLength;
  target.writeUInt32LE(bodyLength, offset);
  target.writeDoubleLE(spooledAt, bodyStart);
  target.writeInt32LE(key === null ? -1 : keyBytes, bodyStart + 8);
  let at = bodyStart + BODY_FIXED_BYTES;
  if (key !== null) at += target.write(key, at, keyBytes, 'utf8');
  if (value instanceof Uint8Array) target.set(value, at);
  else value.copyTo(target, at);
  target.writeUInt32LE(crc32(target.subarray(bodyStart, bodyStart + bodyLength)), offset + 4);
  return FRAME_HEADER_BYTES + bodyLength;
}

/** One frame read back: where its value sits in the buffer it was read from. */
export interface ReadFrame {
  spooledAt: number;
  key: string | null;
  valueStart: number;
  valueLength: number;
  /** Bytes of the whole frame. */
  size: number;
}

/**
 * The frame at `offset`: `incomplete` when the buffer ends inside it (read more; at a file's end
 * it is a torn write), `corrupt` when the crc or the lengths do not hold.
 */
export function readFrame(
  source: Buffer,
  offset: number,
  end: number,
): ReadFrame | 'incomplete' | 'corrupt' {
  if (end - offset < FRAME_HEADER_BYTES) return 'incomplete';
  const bodyLength = source.readUInt32LE(offset);
  if (bodyLength < BODY_FIXED_BYTES) return 'corrupt';
  const bodyStart = offset + FRAME_HEADER_BYTES;
  if (end - bodyStart < bodyLength) return 'incomplete';
  const body = source.subarray(bodyStart, bodyStart + bodyLength);
  if (crc32(body) !== source.readUInt32LE(offset + 4)) return 'corrupt';
  const keyLength = body.readInt32LE(8);
  if (keyLength < -1 || keyLength > bodyLength - BODY_FIXED_BYTES) return 'corrupt';
  const keyBytes = Math.max(0, keyLength);
  return {
    spooledAt: body.readDoubleLE(0),
    key:
      keyLength < 0 ? null : body.toString('utf8', BODY_FIXED_BYTES, BODY_FIXED_BYTES + keyBytes),
    valueStart: bodyStart + BODY_FIXED_BYTES + keyBytes,
    valueLength: bodyLength - BODY_FIXED_BYTES - keyBytes,
    size: FRAME_HEADER_BYTES + bodyLength,
  };
}

/** The length a frame at `offset` claims (to size a read), or undefined if fewer than 4 bytes. */
export function claimedFrameBytes(source: Buffer, offset: number, end: number): number | undefined {
  return end - offset < 4 ? undefined : FRAME_HEADER_BYTES + source.readUInt32LE(offset);
}
