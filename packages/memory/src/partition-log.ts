import type { SourceMessage } from '@shadowdiff/engine';

/** A message as stored: everything but the offset, which is its position in the log. */
export type StoredMessage = Omit<SourceMessage, 'offset'>;

/**
 * An append-only log with Kafka-style offsets: `start` is the oldest retained offset, `end` the
 * next one to be written. Dropping from the front keeps offsets stable.
 */
export class PartitionLog {
  #messages: StoredMessage[] = [];
  #head = 0;
  #start = 0;

  get start(): number {
    return this.#start;
  }

  get end(): number {
    return this.#start + this.#messages.length - this.#head;
  }

  append(message: StoredMessage): void {
    this.#messages.push(message);
  }

  /** Messages with offsets in [from, to), clamped to what is retained. */
  read(from: number, to: number): SourceMessage[] {
    const begin = Math.max(from, this.#start);
    const finish = Math.min(to, this.end);
    const out: SourceMessage[] = [];
    for (let offset = begin; offset < finish; offset++) {
      const message = this.#messages[this.#head + offset - this.#start]!;
      out.push({ ...message, offset: String(offset) });
    }
    return out;
  }

  /** Forgets every message below `offset`. */
  dropBefore(offset: number): void {
    const count = Math.min(offset, this.end) - this.#start;
    if (count <= 0) return;
    this.#head += count;
    this.#start += count;
    // Compact now and then rather than shifting the array on every drop.
    if (this.#head > 1_024 && this.#head * 2 > this.#messages.length) {
      this.#messages = this.#messages.slice(this.#head);
      this.#head = 0;
    }
  }
}
