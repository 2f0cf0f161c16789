export {};
export { KafkaRecordSource } from './consumer.js';
export type { KafkaRecordSourceOptions } from './consumer-options.js';
export { toSourceMessage, headersToStrings } from './consumer-message.js';
export { createKafkaPublisher } from './publisher.js';
export type { KafkaRecordPublisher } from './publisher.js';
export { createThreadedKafkaPublisher } from './threaded-publisher.js';
export { topicMaxMessageBytes } from './topic-limit.js';
export type {
  KafkaClientSecurity,
  KafkaPublisherOptions,
  KafkaPublisherState,
} from './publisher-options.js';
export { transactionalPublisher } from './consumer-transactions.js';
export type { TransactionalPublisher } from './consumer-transactions.js';
