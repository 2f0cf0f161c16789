import {
  bodyFraming,
  isBodylessResponse,
  parseHttpRequest,
  parseHttpResponse,
} from '../../http/parse-http-message.js';
import type { ParsedRequest, ParsedResponse } from '../../http/parse-http-message.js';

/** Why a framed message lacks bytes it had on the wire. */
export type IncompleteReason = 'truncated' | 'lost' | 'ended';
/** Why a direction of a flow stopped being read as HTTP. */
export type DeadReason = 'tls' | 'not-http' | 'upgraded' | 'lost' | 'malformed';

export type FramedMessage<T> = {
  message: T;
  startedAtMs: number;
  endedAtMs: number;
  /** Set when bytes of the message were never seen; the body then holds what was. */
  incomplete?: IncompleteReason;
};

export interface HttpStreamOptions {
  maxBodyBytes: number;
  /** A head longer than this is not HTTP (or hostile). Default 64 KiB. */
  maxHeadBytes?: number;
}

export interface HttpStreamSink<T> {
  message(framed: FramedMessage<T>): void;
  /** The direction stops being HTTP; later bytes are ignored. */
  dead(reason: DeadReason): void;
  /** A 1xx interim response (100 Continue, 103 Early Hints): not an answer, not paired. */
  interim?(status: number): void;
}

type State =
  'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers' | 'close' | 'dead';

const LF = 0x0a;
const CR = 0x0d;
const TLS_HANDSHAKE = 0x16;
const latin1 = new TextDecoder('latin1');
const EMPTY = new Uint8Array(0);

function concat(parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Index just past the blank line ending a head, searching from `from`; -1 when not there yet. */
function headEnd(b: Uint8Array, from: number): number {
  for (let i = b.indexOf(LF, from); i >= 0; i = b.indexOf(LF, i + 1)) {
    if (b[i + 1] === LF) return i + 2;
    if (b[i + 1] === CR && b[i + 2] === LF) return i + 3;
  }
  return -1;
}

/**
 * Frames HTTP/1.x messages out of one direction of a reassembled TCP stream, incrementally: bytes
 * arrive as segments do, and each message is handed on as soon as its last byte is seen, so
 * keep-alive and pipelined messages follow one another. Heads are parsed by the ingest's HTTP
 * parser (the one GoReplay and HAR imports use); bodies are de-chunked here as they stream, capped
 * at `maxBodyBytes` while their full size is still counted. A gap in the stream is survivable inside
 * a body of known length (the message is marked incomplete); anywhere else framing is lost and the
 * direction is dead.
 */
export class HttpStream<T extends ParsedRequest | ParsedResponse> {
  private state: State = 'head';
  private pending: Uint8Array = EMPTY;
  private scanFrom = 0;
  private remaining = 0;
  private head: T | undefined;
  private parts: Uint8Array[] = [];
  private kept = 0;
  private size = 0;
  private holed = false;
  private incomplete: IncompleteReason | undefined;
  private startedAtMs = 0;
  private messages = 0;
  private readonly maxHeadBytes: number;

  /**
   * @param kind which side of the exchange this direction carries.
   * @param methodOfNext for responses: the method of the request the next response answers
   *   (HEAD responses have no body), undefined when unknown, null to wait for that request (the
   *   mirror may deliver a response before the request it answers; `resume` goes on).
   */
  constructor(
    private readonly kind: T extends ParsedRequest ? 'request' : 'response',
    private readonly sink: HttpStreamSink<T>,
    private readonly options: HttpStreamOptions,
    private readonly methodOfNext: () => string | null | undefined = () => undefined,
  ) {
    this.maxHeadBytes = options.maxHeadBytes ?? 65_536;
  }

  /** Bytes held: an unfinished head or chunk line and the kept body so far. */
  get bufferedBytes(): number {
    return this.pending.length + this.kept;
  }

  get isDead(): boolean {
    return this.state === 'dead';
  }

  /** The head of the message being read, while its body is still coming. */
  get current(): T | undefined {
    return this.midMessage ? this.head : undefined;
  }

  /** Whether a message has started and not finished. */
  get midMessage(): boolean {
    return this.state !== 'head' && this.state !== 'dead';
  }

  push(bytes: Uint8Array, nowMs: number): void {
    if (this.state === 'dead' || bytes.length === 0) return;
    let b = bytes;
    if (this.pending.length > 0) {
      b = concat([this.pending, bytes], this.pending.length + bytes.length);
      this.pending = EMPTY;
    }
    let pos = 0;
    while (pos < b.length && !this.isDead) {
      switch (this.state) {
        case 'head':
          pos = this.readHead(b, pos, nowMs);
          if (pos < 0) return;
          break;
        case 'length':
        case 'chunk-data': {
          const take = Math.min(this.remaining, b.length - pos);
          this.body(b.subarray(pos, pos + take));
          this.remaining -= take;
          pos += take;
          if (this.remaining === 0) {
            if (this.state === 'length') this.finish(nowMs);
            else this.state = 'chunk-crlf';
          }
          break;
        }
        case 'chunk-crlf':
          if (b[pos] === CR) pos++;
          if (pos >= b.length) {
            this.pending = Uint8Array.of(CR);
            return;
          }
          if (b[pos] !== LF) return this.die('malformed', nowMs);
          pos++;
          this.state = 'chunk-size';
          break;
        case 'chunk-size':
        case 'trailers': {
          const lf = b.indexOf(LF, pos);
          if (lf < 0) {
            if (b.length - pos > 4096) return this.die('malformed', nowMs);
            this.pending = b.slice(pos);
            return;
          }
          const line = latin1.decode(b.subarray(pos, lf)).replace(/\r$/, '');
          pos = lf + 1;
          if (this.state === 'trailers') {
            if (line === '') this.finish(nowMs);
            break;
          }
          // Chunk extensions (";name=value") are allowed and ignored.
          const hex = line.split(';')[0]?.trim() ?? '';
          if (!/^[0-9a-fA-F]{1,8}$/.test(hex)) return this.die('malformed', nowMs);
          this.remaining = Number.parseInt(hex, 16);
          this.state = this.remaining === 0 ? 'trailers' : 'chunk-data';
          break;
        }
        case 'close':
          this.body(b.subarray(pos));
          pos = b.length;
          break;
      }
    }
  }

  /** Reads bytes held back while the request a response answers was not known yet. */
  resume(nowMs: number): void {
    if (this.state !== 'head' || this.pending.length === 0) return;
    const held = this.pending;
    this.pending = EMPTY;
    this.scanFrom = 0;
    this.push(held, nowMs);
  }

  /** `length` bytes of the stream were never seen (lost, or cut by the mirror's packet length). */
  gap(length: number, reason: 'lost' | 'truncated', nowMs: number): void {
    if (this.state === 'dead' || length <= 0) return;
    const bodyOfKnownLength =
      (this.state === 'length' || this.state === 'chunk-data') && this.remaining >= length;
    if (bodyOfKnownLength || this.state === 'close') {
      this.incomplete ??= reason;
      this.holed = true;
      this.size += length;
      if (this.state !== 'close') this.remaining -= length;
      if (this.remaining === 0 && this.state === 'length') this.finish(nowMs);
      else if (this.remaining === 0 && this.state === 'chunk-data') this.state = 'chunk-crlf';
      return;
    }
    this.incomplete ??= reason;
    this.die('lost', nowMs);
  }

  /** The direction ended (FIN, RST, idle): a read-to-close body is complete, anything else is cut. */
  end(nowMs: number): void {
    if (this.state === 'close') return this.finish(nowMs);
    if (this.head !== undefined && this.midMessage) {
      this.incomplete ??= 'ended';
      this.finish(nowMs);
    }
    this.state = 'dead';
    this.pending = EMPTY;
  }

  /** Returns the new position, or -1 when the head is not complete yet (bytes kept). */
  private readHead(b: Uint8Array, from: number, nowMs: number): number {
    let pos = from;
    // Empty lines before a request line are allowed (RFC 9112 §2.2).
    while (pos < b.length && (b[pos] === CR || b[pos] === LF)) pos++;
    if (pos >= b.length) return pos;
    if (this.messages === 0 && !this.looksLikeStart(b, pos)) {
      this.die(b[pos] === TLS_HANDSHAKE ? 'tls' : 'not-http', nowMs);
      return b.length;
    }
    const end = headEnd(b, Math.max(pos, this.scanFrom - 2));
    if (end < 0) {
      if (b.length - pos > this.maxHeadBytes) {
        this.die('not-http', nowMs);
        return b.length;
      }
      this.pending = b.slice(pos);
      this.scanFrom = this.pending.length;
      return -1;
    }
    const method = this.kind === 'response' ? this.methodOfNext() : undefined;
    if (method === null) {
      this.pending = b.slice(pos);
      this.scanFrom = 0;
      return -1;
    }
    this.scanFrom = 0;
    this.startedAtMs = nowMs;
    const headBytes = b.subarray(pos, end);
    const parsed =
      this.kind === 'request'
        ? parseHttpRequest(headBytes, { maxBodyBytes: 0 })
        : parseHttpResponse(headBytes, method, { maxBodyBytes: 0 });
    if (!parsed.ok) {
      this.die(this.messages === 0 ? 'not-http' : 'malformed', nowMs);
      return b.length;
    }
    const head = parsed.value as T;
    let framing;
    if ('status' in head) {
      if (head.status >= 100 && head.status < 200 && head.status !== 101) {
        this.sink.interim?.(head.status);
        return end;
      }
      framing = bodyFraming(head.headers, 'response', isBodylessResponse(method, head.status));
    } else {
      framing = bodyFraming(head.headers, 'request', false);
    }
    this.head = head;
    this.messages++;
    switch (framing.kind) {
      case 'invalid':
        this.die('malformed', nowMs);
        return b.length;
      case 'none':
        this.finish(nowMs);
        break;
      case 'length':
        this.remaining = framing.length;
        this.state = 'length';
        if (framing.length === 0) this.finish(nowMs);
        break;
      case 'chunked':
        this.state = 'chunk-size';
        break;
      case 'close':
        this.state = 'close';
        break;
    }
    return end;
  }

  /** A request line starts with a method token and a space; a status line with `HTTP/`. */
  private looksLikeStart(b: Uint8Array, pos: number): boolean {
    const probe = latin1.decode(b.subarray(pos, Math.min(b.length, pos + 24)));
    if (this.kind === 'response') return 'HTTP/1.'.startsWith(probe.slice(0, 7));
    const match = /^[A-Z][A-Z_-]{0,19}( |$)/.exec(probe);
    return match !== null && (match[1] === ' ' || probe.length < 20);
  }

  private body(bytes: Uint8Array): void {
    this.size += bytes.length;
    if (this.holed) return; // bytes after a hole would be spliced onto the wrong offset
    const room = this.options.maxBodyBytes - this.kept;
    if (room <= 0 || bytes.length === 0) return;
    // Copy: the segment's datagram buffer is not ours to keep.
    const kept = bytes.slice(0, Math.min(room, bytes.length));
    this.parts.push(kept);
    this.kept += kept.length;
  }

  private finish(nowMs: number): void {
    const head = this.head;
    if (head !== undefined) {
      const body = concat(this.parts, this.kept);
      const message = {
        ...head,
        body,
        bodySize: this.size,
        bodyTruncated: this.holed || this.kept < this.size || this.incomplete !== undefined,
      };
      const framed: FramedMessage<T> = { message, startedAtMs: this.startedAtMs, endedAtMs: nowMs };
      if (this.incomplete !== undefined) framed.incomplete = this.incomplete;
      const upgraded = 'status' in head && head.status === 101;
      this.sink.message(framed);
      if (upgraded) {
        this.reset();
        return this.die('upgraded', nowMs);
      }
    }
    this.reset();
  }

  private reset(): void {
    this.state = 'head';
    this.head = undefined;
    this.parts = [];
    this.kept = 0;
    this.size = 0;
    this.remaining = 0;
    this.holed = false;
    this.incomplete = undefined;
  }

  private die(reason: DeadReason, nowMs: number): void {
    if (this.head !== undefined && this.midMessage) {
      this.incomplete ??= 'lost';
      this.finish(nowMs);
    }
    this.state = 'dead';
    this.pending = EMPTY;
    this.parts = [];
    this.kept = 0;
    this.sink.dead(reason);
  }
}
