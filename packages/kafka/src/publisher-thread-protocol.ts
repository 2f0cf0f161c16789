import type { KafkaPublisherOptions, KafkaPublisherState } from './publisher-options.js';

/** What the owning thread passes as `workerData`: the options, minus the callbacks. */
export type ThreadPublisherOptions = Omit<KafkaPublisherOptions, 'log' | 'onStateChange'>;

/**
 * One `publish` call crossing to the publisher thread. The values travel as one transferred
 * buffer (no per-record copy or clone); `ends[i]` is where value i ends in it (the buffer may be
 * longer: it is reused from batch to batch).
 */
export interface PublishRequest {
  t: 'publish';
  id: number;
  topics: string[];
  /** Index into `topics`, per message. */
  topicOf: Uint16Array;
  keys: (string | null)[];
  headers: (Record<string, string> | undefined)[] | undefined;
  values: ArrayBuffer;
  ends: Uint32Array;
}

export type ToThread = PublishRequest | { t: 'close' };

export type FromThread =
  | {
      t: 'done';
      id: number;
      error?: { message: string; retriable: boolean };
      /** The request's value buffer, transferred back for the next batch to reuse. */
      values?: ArrayBuffer;
    }
  | { t: 'state'; state: KafkaPublisherState; lastError: string | undefined }
  | { t: 'log'; line: string }
  | { t: 'closed' };
