export { kafkaBrokers, redisUrl, kafkaSource } from './endpoints.js';
export { uniqueName } from './names.js';
export { createTopic, readAll } from './kafka.js';
export type { ReadMessage } from './kafka.js';
export { dropKeys, scopedRedis } from './redis.js';
export { deleteKeysByPrefix, dropKeysAt } from './redis-keys.js';
export type { ScopedRedis } from './redis.js';
export { pendingStoreContract } from './contracts/pending-store-contract.js';
export type {
  PendingStoreContractSettings,
  PendingStoreHarness,
} from './contracts/pending-store-contract.js';
export { orphanSchedulerContract } from './contracts/orphan-scheduler-contract.js';
export type {
  OrphanSchedulerContractSettings,
  OrphanSchedulerHarness,
} from './contracts/orphan-scheduler-contract.js';
export { recordBusContract } from './contracts/record-bus-contract.js';
export type { RecordBusHarness } from './contracts/record-bus-contract.js';
export { waitFor, sleep } from './contracts/wait-for.js';
export { sampleStoreContract } from './contracts/sample-store-contract.js';
export type {
  SampleStoreContractSettings,
  SampleStoreHarness,
} from './contracts/sample-store-contract.js';
export { readToEnd, testKafka } from './kafka.js';
export { noiseStoreContract } from './contracts/noise-store-contract.js';
export type { NoiseStoreHarness } from './contracts/noise-store-contract.js';
export { encodedJsonTapRecord, jsonTapRecord } from './tap-records.js';
export type { TapRecordFixtureOptions } from './tap-records.js';
export { deadPort, testCommandIo } from './command-io.js';
export { MemoryPublisher, fetchRaw } from './http-fixtures.js';
export type { RawResponse } from './http-fixtures.js';
