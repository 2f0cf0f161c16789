export { startTap } from './start-tap.js';
export type { StartTapOptions, TapHandle, TapStats } from './start-tap.js';
export { tapCommand } from './tap-command.js';
