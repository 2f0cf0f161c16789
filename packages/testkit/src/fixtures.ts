// What benchmarks may import: no vitest (the index's endpoints and contract suites need a running
// vitest), just the Kafka client factory, readers and record fixtures.
export { createTopic, readAll, readToEnd, testKafka } from './kafka.js';
export type { ReadMessage } from './kafka.js';
export { encodedJsonTapRecord, jsonTapRecord } from './tap-records.js';
export type { TapRecordFixtureOptions } from './tap-records.js';
export { deleteKeysByPrefix, dropKeysAt } from './redis-keys.js';
