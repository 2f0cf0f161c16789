/** Why the spool lost records. Metric attribute values (the tap's `reason`): a closed list. */
export const SPOOL_DROP_REASONS = [
  'spool_full',
  'spool_slow',
  'spool_expired',
  'spool_corrupt',
  'spool_error',
] as const;
export type SpoolDropReason = (typeof SPOOL_DROP_REASONS)[number];

export interface SpoolOptions {
  /** Directory of the segment files; created when missing, locked to this process. */
  dir: string;
  /** Most bytes of segment files; appends beyond it drop (`spool_full`). Default 2 GiB. */
  maxBytes?: number;
  /** Records older than this are dropped (`spool_expired`), not replayed. Default 30 min. */
  maxAgeMs?: number;
  /** A segment file takes appends until it is this large. Default 64 MiB. */
  segmentBytes?: number;
  /**
   * Appended bytes not yet written that the spool holds in memory; beyond it appends drop
   * (`spool_slow`): a disk that cannot keep up never grows memory or blocks the caller. Default 16 MiB.
   */
  maxPendingBytes?: number;
  /** Called for every record the spool loses, with the reason. */
  onDrop?: (reason: SpoolDropReason, count: number) => void;
  /** Called when appended records reached the disk and can be read back. */
  onReadable?: () => void;
  /** Operational log lines (recovery, write errors). Default: discarded. */
  log?: (line: string) => void;
  /** Clock (epoch ms). Default Date.now. */
  now?: () => number;
}

export type ResolvedSpoolOptions = Required<SpoolOptions>;

export const SPOOL_DEFAULTS = {
  maxBytes: 2 * 1024 ** 3,
  maxAgeMs: 30 * 60_000,
  segmentBytes: 64 * 1_048_576,
  maxPendingBytes: 16 * 1_048_576,
} as const;

export function resolveSpoolOptions(options: SpoolOptions): ResolvedSpoolOptions {
  return {
    dir: options.dir,
    maxBytes: options.maxBytes ?? SPOOL_DEFAULTS.maxBytes,
    maxAgeMs: options.maxAgeMs ?? SPOOL_DEFAULTS.maxAgeMs,
    segmentBytes: options.segmentBytes ?? SPOOL_DEFAULTS.segmentBytes,
    maxPendingBytes: options.maxPendingBytes ?? SPOOL_DEFAULTS.maxPendingBytes,
    onDrop: options.onDrop ?? (() => {}),
    onReadable: options.onReadable ?? (() => {}),
    log: options.log ?? (() => {}),
    now: options.now ?? Date.now,
  };
}
