/** Where one direction's reassembled bytes go, in stream order. */
export interface StreamSink {
  data(bytes: Uint8Array, nowMs: number): void;
  /** Bytes of the stream that will never be seen: lost on the way, or cut by `packet_length`. */
  gap(length: number, reason: 'lost' | 'truncated', nowMs: number): void;
}

export interface DirectionCounters {
  retransmitted: number;
  outOfOrder: number;
  lostBytes: number;
  truncatedBytes: number;
}

interface Piece {
  /** Stream offset of the first byte. */
  off: number;
  data: Uint8Array;
  /** Bytes after `data` that the mirror cut off (packet length). */
  cut: number;
}

/**
 * Reassembles one direction of a TCP connection from mirrored segments: in order, out of order,
 * retransmitted or overlapping (the first copy of a byte wins, as the receiver's stack would keep
 * it). Sequence numbers are unwrapped against the next expected one, so streams past 4 GiB and
 * ISNs near the wrap work. A hole is waited for until the flow gives up on it (`skipHole`): the
 * owner decides when, by buffer size or packet time. Pure: time comes in with each call.
 */
export class TcpDirection {
  /** Sequence number of stream offset 0 (the byte after the SYN), once known. */
  private base: number | undefined;
  /** Stream offset of the next byte to deliver. */
  private next = 0;
  private pieces: Piece[] = [];
  private finAt: number | undefined;
  private holeSinceMs: number | undefined;
  /** Bytes held out of order. */
  bufferedBytes = 0;
  /** The stream began before the capture did (no SYN seen). */
  midstream = false;
  /** FIN reached in order: every byte up to it was delivered or reported as a gap. */
  finished = false;

  constructor(
    private readonly sink: StreamSink,
    private readonly counters: DirectionCounters,
  ) {}

  /** Bytes delivered or skipped so far. */
  get offset(): number {
    return this.next;
  }

  /** Packet time since which the oldest hole has waited, if there is one. */
  get holeSince(): number | undefined {
    return this.holeSinceMs;
  }

  /** Stream offset of sequence number `seq`. */
  private offsetOf(seq: number): number {
    const expected = (this.base! + this.next) >>> 0;
    return this.next + ((seq - expected) | 0);
  }

  syn(seq: number): void {
    // Nothing delivered yet: the SYN fixes the start even if data overtook it.
    if (this.base === undefined || (this.next === 0 && this.pieces.length === 0)) {
      this.base = (seq + 1) >>> 0;
      this.midstream = false;
    }
  }

  segment(seq: number, payload: Uint8Array, wireLength: number, fin: boolean, nowMs: number): void {
    if (this.base === undefined) {
      this.base = seq;
      this.midstream = true;
    }
    const off = this.offsetOf(seq);
    if (fin && this.finAt === undefined) this.finAt = off + wireLength;
    if (wireLength > 0) {
      if (off + wireLength <= this.next) {
        this.counters.retransmitted++;
      } else {
        if (off > this.next) this.counters.outOfOrder++;
        this.insert({ off, data: payload, cut: wireLength - payload.length });
      }
    }
    this.drain(nowMs);
  }

  /** Gives up on the oldest hole: its bytes are reported lost and delivery goes on after it. */
  skipHole(nowMs: number): boolean {
    const first = this.pieces[0];
    if (first === undefined) return false;
    this.lose(first.off - this.next, nowMs);
    this.drain(nowMs);
    return true;
  }

  /** The flow is over: every hole is skipped, and a tail the FIN promised but never came is lost. */
  flush(nowMs: number): void {
    while (this.skipHole(nowMs));
    if (this.finAt !== undefined && this.finAt > this.next)
      this.lose(this.finAt - this.next, nowMs);
    this.finished = true;
  }

  private lose(length: number, nowMs: number): void {
    if (length <= 0) return;
    this.counters.lostBytes += length;
    this.next += length;
    this.sink.gap(length, 'lost', nowMs);
  }

  private insert(piece: Piece): void {
    this.bufferedBytes += piece.data.length;
    const pieces = this.pieces;
    let i = pieces.length;
    while (i > 0 && pieces[i - 1]!.off > piece.off) i--;
    pieces.splice(i, 0, piece);
  }

  private drain(nowMs: number): void {
    const pieces = this.pieces;
    while (pieces.length > 0 && pieces[0]!.off <= this.next) {
      const piece = pieces.shift()!;
      this.bufferedBytes -= piece.data.length;
      const dataEnd = piece.off + piece.data.length;
      if (dataEnd > this.next) {
        this.sink.data(piece.data.subarray(this.next - piece.off), nowMs);
        this.next = dataEnd;
      }
      const cutEnd = dataEnd + piece.cut;
      if (piece.cut > 0 && cutEnd > this.next) {
        const length = cutEnd - this.next;
        this.counters.truncatedBytes += length;
        this.next = cutEnd;
        this.sink.gap(length, 'truncated', nowMs);
      }
    }
    this.holeSinceMs = pieces.length > 0 ? (this.holeSinceMs ?? nowMs) : undefined;
    if (this.finAt !== undefined && this.next >= this.finAt) this.finished = true;
  }
}
