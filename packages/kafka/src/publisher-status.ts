import { ShadowdiffError } from '@shadowdiff/contracts';
import type { RecordPublisher } from '@shadowdiff/engine';
import type { KafkaPublisherState } from './publisher-options.js';
import type { KafkaRecordPublisher } from './publisher.js';

type Waiter = { resolve: () => void; reject: (e: Error) => void };

/**
 * A publisher's connection state and last error, shared by the in-process and the threaded
 * publisher: `ready()` waiters, change notifications, and the error a publish gets while it cannot
 * go out. `closed` is final.
 */
export class PublisherStatus {
  #state: KafkaPublisherState = 'connecting';
  #lastError: string | undefined;
  #waiters: Waiter[] = [];

  constructor(
    private readonly onChange?: (state: KafkaPublisherState, lastError: string | undefined) => void,
  ) {}

  get state(): KafkaPublisherState {
    return this.#state;
  }

  get lastError(): string | undefined {
    return this.#lastError;
  }

  update(state: KafkaPublisherState, lastError: string | undefined): void {
    if (this.#state === 'closed') return;
    this.#state = state;
    this.#lastError = lastError;
    this.onChange?.(state, lastError);
    if (state === 'connected' || state === 'closed') {
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const w of waiters) {
        if (state === 'connected') w.resolve();
        else w.reject(closedPublisherError());
      }
    }
  }

  /** Resolves when connected; rejects if the publisher is closed first. */
  ready(): Promise<void> {
    if (this.#state === 'connected') return Promise.resolve();
    if (this.#state === 'closed') return Promise.reject(closedPublisherError());
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** Why a publish cannot go out now (closed, or not connected: retriable), else undefined. */
  refusal(): ShadowdiffError | undefined {
    if (this.#state === 'closed') return closedPublisherError();
    if (this.#state === 'connected') return undefined;
    return new ShadowdiffError(
      'ERR_TRANSPORT',
      `kafka is not connected${this.#lastError ? ` (${this.#lastError})` : ''}`,
      { retriable: true },
    );
  }
}

export function closedPublisherError(): ShadowdiffError {
  return new ShadowdiffError('ERR_TRANSPORT', 'kafka publisher is closed', { retriable: false });
}

/** A KafkaRecordPublisher whose state, lastError and ready() read `status`. */
export function publisherWith(status: PublisherStatus, ops: RecordPublisher): KafkaRecordPublisher {
  return {
    copiesValues: ops.copiesValues === true,
    get state() {
      return status.state;
    },
    get lastError() {
      return status.lastError;
    },
    ready: () => status.ready(),
    publish: (messages) => ops.publish(messages),
    close: () => ops.close(),
  };
}
