export { startWorker } from './start-worker.js';
export type { Worker, WorkerDeps } from './start-worker.js';
export { expectedRoles } from './expected-roles.js';
export { workerCommand } from './worker-command.js';
export { createFleetAdapters } from './fleet-adapters.js';
export type { FleetAdapterOptions, FleetAdapters } from './fleet-adapters.js';
