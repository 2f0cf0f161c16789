/** A message bound for a topic (Kafka in a fleet, the in-memory bus when embedded). */
export interface OutboundMessage {
  topic: string;
  /** Partitioning key: trace id for taps, route for verdicts. */
  key: string | null;
  value: Uint8Array;
  headers?: Record<string, string>;
}

/** Publishes messages; resolves once the transport accepted them (acked, for Kafka). */
export interface RecordPublisher {
  /**
   * True when `publish` has copied every value by the time it returns (it keeps no reference to
   * the caller's bytes), so callers may pass views into buffers they share. Default false.
   */
  readonly copiesValues?: boolean;
  /**
   * True for a topic whose messages this publisher drops unread (the embedded worker's verdicts
   * when nothing consumes them), so a caller may skip building them. Default: none dropped.
   */
  discards?(topic: string): boolean;
  publish(messages: OutboundMessage[]): Promise<void>;
  close(): Promise<void>;
}
