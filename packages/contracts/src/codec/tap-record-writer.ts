import type { CapturedRequest, CapturedResponse, TapRecord } from '../tap-record.js';

/** The bytes of one encoded record, ready to be copied where they are kept. */
export interface EncodedTapRecord {
  readonly byteLength: number;
  /** Writes the whole frame (prelude, header, bodies) at `offset` of `target`. */
  copyTo(target: Uint8Array, offset: number): void;
}

export const FRAME_MAGIC_0 = 0x53; // 'S'
export const FRAME_MAGIC_1 = 0x44; // 'D'
export const FRAME_VERSION = 1;
export const PRELUDE = 8;
const EMPTY = new Uint8Array(0);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Encodes TapRecord frames (layout in tap-record-codec.ts) into a scratch buffer it reuses: the
 * header's JSON is written byte by byte as it is built — the same bytes `JSON.stringify` gives for
 * the header object, keys in the same order — so no header object, JSON string or frame-sized
 * buffer is made per record, and the bodies are copied once, straight to where the frame is kept.
 * On the tap's request thread that halves the cost of encoding a record and most of its garbage.
 *
 * `encode` returns the encoder itself, valid until the next `encode`: copy it out first.
 */
export class TapRecordEncoder implements EncodedTapRecord {
  private buf: Buffer = Buffer.allocUnsafeSlow(16 * 1024);
  private at = 0;
  private headerEnd = 0;
  private reqBody: Uint8Array = EMPTY;
  private resBody: Uint8Array = EMPTY;
  byteLength = 0;

  encode(record: TapRecord): EncodedTapRecord {
    this.at = PRELUDE;
    this.raw('{"v":');
    this.num(record.v);
    this.raw(',"traceId":');
    this.str(record.traceId);
    this.raw(',"role":');
    this.str(record.role);
    this.raw(',"service":');
    this.str(record.service);
    this.raw(',"tapId":');
    this.str(record.tapId);
    this.raw(',"capturedAt":');
    this.num(record.capturedAt);
    this.raw(',"durationMs":');
    this.num(record.durationMs);
    const req = record.request;
    this.raw(',"request":{"method":');
    this.str(req.method);
    this.raw(',"url":');
    this.str(req.url);
    this.partRest(req);
    const res = record.response;
    if (res) {
      this.raw(',"response":{"status":');
      this.num(res.status);
      this.partRest(res);
    }
    if (record.error) {
      this.raw(',"error":');
      this.json(record.error);
    }
    if (record.meta) {
      this.raw(',"meta":');
      this.strings(record.meta);
    }
    this.raw('}');

    const buf = this.buf;
    buf[0] = FRAME_MAGIC_0;
    buf[1] = FRAME_MAGIC_1;
    buf[2] = FRAME_VERSION;
    buf[3] = 0;
    buf.writeUInt32BE(this.at - PRELUDE, 4);
    this.headerEnd = this.at;
    this.reqBody = req.body;
    this.resBody = res?.body ?? EMPTY;
    this.byteLength = this.at + this.reqBody.byteLength + this.resBody.byteLength;
    return this;
  }

  /** What a request and a response share, from their headers to the closing brace. */
  private partRest(part: CapturedRequest | CapturedResponse): void {
    this.raw(',"headers":');
    this.strings(part.headers);
    this.raw(',"bodyLength":');
    this.num(part.body.byteLength);
    this.raw(',"bodySize":');
    this.num(part.bodySize);
    this.raw(',"bodyTruncated":');
    this.bool(part.bodyTruncated);
    if (part.contentEncoding !== undefined) {
      this.raw(',"contentEncoding":');
      this.str(part.contentEncoding);
    }
    this.raw('}');
  }

  copyTo(target: Uint8Array, offset: number): void {
    this.buf.copy(target, offset, 0, this.headerEnd);
    let at = offset + this.headerEnd;
    target.set(this.reqBody, at);
    at += this.reqBody.byteLength;
    target.set(this.resBody, at);
  }

  private room(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + bytes) size *= 2;
    const bigger = Buffer.allocUnsafeSlow(size);
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }

  /** ASCII text that needs no escaping: the literal parts between values. */
  private raw(s: string): void {
    this.room(s.length);
    const buf = this.buf;
    let at = this.at;
    for (let i = 0; i < s.length; i++) buf[at++] = s.charCodeAt(i);
    this.at = at;
  }

  /**
   * A JSON string. ASCII from space up, without quotes or backslashes, is copied (JSON.stringify
   * leaves it as is); anything else goes through JSON.stringify.
   */
  private str(s: string): void {
    this.room(s.length + 2);
    const buf = this.buf;
    const start = this.at;
    let at = start;
    buf[at++] = QUOTE;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7f || c === QUOTE || c === BACKSLASH) {
        this.at = start;
        this.json(s);
        return;
      }
      buf[at++] = c;
    }
    buf[at++] = QUOTE;
    this.at = at;
  }

  /**
   * A number, as JSON.stringify writes it. Not through String(n): V8 keeps the strings it makes
   * from numbers in a cache in the old generation, so every record's timestamp and duration string
   * was promoted — most of what the recording tap promoted, and a full collection every few
   * seconds. Integers are written digit by digit; other numbers go through JSON.stringify, whose
   * string dies young.
   */
  private num(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) {
      this.json(n);
      return;
    }
    this.room(16);
    const buf = this.buf;
    if (n === 0) {
      buf[this.at++] = 0x30;
      return;
    }
    let digits = 0;
    for (let m = n; m > 0; m = Math.floor(m / 10)) digits++;
    let at = this.at + digits;
    this.at = at;
    for (let m = n; m > 0; m = Math.floor(m / 10)) buf[--at] = 0x30 + (m % 10);
  }

  private bool(b: boolean): void {
    if (b === true) this.raw('true');
    else if (b === false) this.raw('false');
    else this.json(b);
  }

  /** A string-valued object (headers, meta), as JSON.stringify writes it. */
  private strings(o: Record<string, string>): void {
    this.raw('{');
    let first = true;
    for (const key of Object.keys(o)) {
      const value = o[key];
      if (typeof value !== 'string') {
        // Not a string (outside the type, but JSON.stringify decides what it becomes, if anything).
        if (JSON.stringify(value) === undefined) continue;
      }
      if (!first) this.raw(',');
      first = false;
      this.str(key);
      this.raw(':');
      if (typeof value === 'string') this.str(value);
      else this.json(value);
    }
    this.raw('}');
  }

  /** Anything else, through JSON.stringify (`null` where it gives nothing). */
  private json(value: unknown): void {
    const text = JSON.stringify(value) ?? 'null';
    this.room(text.length * 3);
    this.at += this.buf.write(text, this.at, 'utf8');
  }
}
