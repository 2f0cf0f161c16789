/**
 * Keeps the first `cap` bytes of a stream for the record while counting the whole size. Chunks are
 * kept by reference (node does not reuse them), so teeing costs one copy at the end, not per chunk.
 */
export class BodyCapture {
  private chunks: Buffer[] = [];
  private captured = 0;
  /** Bytes seen, captured or not. */
  size = 0;

  constructor(private readonly cap: number) {}

  push(chunk: Buffer): void {
    this.size += chunk.length;
    const room = this.cap - this.captured;
    if (room <= 0) return;
    const kept = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.chunks.push(kept);
    this.captured += kept.length;
  }

  get truncated(): boolean {
    return this.size > this.captured;
  }

  bytes(): Buffer {
    if (this.chunks.length === 1) return this.chunks[0] as Buffer;
    return Buffer.concat(this.chunks, this.captured);
  }
}
