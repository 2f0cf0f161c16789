export { MemoryPendingStore } from './memory-pending-store.js';
export type { MemoryPendingStoreOptions } from './memory-pending-store.js';
export { TimerOrphanScheduler } from './timer-orphan-scheduler.js';
export type { TimerOrphanSchedulerOptions } from './timer-orphan-scheduler.js';
export { MemoryBus } from './memory-bus.js';
export type { MemoryBusOptions } from './memory-bus.js';
export { MemorySource } from './memory-source.js';
export type { MemorySourceOptions } from './memory-source.js';
export { systemClock } from './system-clock.js';
