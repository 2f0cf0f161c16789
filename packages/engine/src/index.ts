export type { OutboundMessage, RecordPublisher } from './ports/record-publisher.js';
export type { SourceMessage, RecordSource } from './ports/record-source.js';
export type {
  HalfSet,
  HalfOffer,
  OfferResult,
  ExpireResult,
  PendingStore,
} from './ports/pending-store.js';
export type { OrphanScheduler } from './ports/orphan-scheduler.js';
export type { Clock } from './ports/clock.js';
