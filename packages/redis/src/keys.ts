/** Key layout under the configured prefix (every key shadowdiff writes starts with it). */
export const keys = {
  /** One hash per trace: state, halves by role, emitted flag. */
  trace: (prefix: string, traceId: string): string => `${prefix}t:${traceId}`,
  /** The swept scheme's deadline index: ZSET of trace ids scored by deadline (or lease) ms. */
  deadlines: (prefix: string): string => `${prefix}orphans:due`,
  /** BullMQ prefix; BullMQ appends `:<queue>:...`. */
  bullmq: (prefix: string): string => `${prefix}bull`,
};

/** Default key prefix, the same as `redis.keyPrefix` in the config. */
export const DEFAULT_KEY_PREFIX = 'shadowdiff:';
