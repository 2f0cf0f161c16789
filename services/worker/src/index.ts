export { startWorker } from './start-worker.js';
export type { Worker, WorkerDeps } from './start-worker.js';
export { expectedRoles } from './expected-roles.js';
