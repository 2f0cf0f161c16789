export {};
export { RedisSampleStore } from './sample-store.js';
export type { RedisSampleStoreOptions } from './sample-store.js';
