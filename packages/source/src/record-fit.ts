/**
 * The largest record the tap sends: the config's `kafka.maxMessageBytes`, lowered to the taps
 * topic's `max.message.bytes` once the broker has told it (read at start-up, in the background).
 */
export class RecordLimit {
  #bytes: number;
  readonly #listeners: ((bytes: number) => void)[] = [];

  constructor(configured: number) {
    this.#bytes = configured;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Lowers the limit to what the topic accepts (never raises it above the configured one). */
  lowerTo(topicMax: number): void {
    if (topicMax >= this.#bytes) return;
    this.#bytes = topicMax;
    for (const l of this.#listeners) l(topicMax);
  }

  onChange(listener: (bytes: number) => void): void {
    this.#listeners.push(listener);
  }
}
