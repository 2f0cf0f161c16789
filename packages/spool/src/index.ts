export { Spool } from './spool.js';
export type { SpoolBatch, SpoolStats } from './spool.js';
export { SPOOL_DEFAULTS, SPOOL_DROP_REASONS } from './options.js';
export type { SpoolDropReason, SpoolOptions } from './options.js';
export type { SpoolValue } from './frame.js';
export { SpoolLockedError } from './files.js';
