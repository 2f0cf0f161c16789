import { Worker } from 'node:worker_threads';
import { ShadowdiffError } from '@shadowdiff/contracts';
import { batchBufferSize } from '@shadowdiff/kafkajs-fixes';
import type { OutboundMessage } from '@shadowdiff/engine';
import type { KafkaRecordPublisher } from './publisher.js';
import type { KafkaPublisherOptions } from './publisher-options.js';
import { PublisherStatus, publisherWith } from './publisher-status.js';
import type {
  FromThread,
  PublishRequest,
  ThreadPublisherOptions,
} from './publisher-thread-protocol.js';

// The thread runs compiled JavaScript. Tests load this module from src/ (TypeScript), so there it
// points at the build of the same file, which `npm test` makes first.
const threadEntry = import.meta.url.endsWith('.ts')
  ? new URL('../dist/publisher-thread.js', import.meta.url)
  : new URL('./publisher-thread.js', import.meta.url);

/** Delay before a crashed publisher thread is started again. */
const RESPAWN_MS = 1_000;

/**
 * The kafkajs publisher of `createKafkaPublisher`, run on its own worker thread. kafkajs encodes
 * every record, builds and compresses batches and keeps its own garbage on the JavaScript thread
 * that calls it; on a request-serving thread (the tap) that work lands between requests as
 * multi-millisecond pauses. Here the caller's thread only packs each batch into one transferred
 * buffer: the encoding, the socket and their garbage live on another thread with its own heap, which
 * a second core runs beside the requests. Same behaviour otherwise: background (re)connects,
 * `publish` rejects at once with a retriable ERR_TRANSPORT while disconnected, `close` flushes
 * nothing (the caller flushes first) and disconnects.
 */
export function createThreadedKafkaPublisher(options: KafkaPublisherOptions): KafkaRecordPublisher {
  const { log = () => {}, onStateChange, ...threadOptions } = options;
  const status = new PublisherStatus(onStateChange);
  let nextId = 1;
  const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let closing: Promise<void> | undefined;
  let respawnTimer: NodeJS.Timeout | undefined;
  /** False between a thread's unexpected exit and its replacement. */
  let running = false;
  /** A value buffer the thread handed back, for the next batch (at most one is kept). */
  let spare: ArrayBuffer | undefined;

  const spawn = (): Worker => {
    const worker = new Worker(threadEntry, {
      workerData: threadOptions satisfies ThreadPublisherOptions,
      name: 'shadowdiff-kafka-publisher',
    });
    running = true;
    worker.on('message', (message: FromThread) => {
      switch (message.t) {
        case 'done': {
          if (message.values && message.values.byteLength > (spare?.byteLength ?? 0)) {
            spare = message.values;
          }
          const p = pending.get(message.id);
          pending.delete(message.id);
          if (!p) return;
          if (message.error === undefined) p.resolve();
          else
            p.reject(
              new ShadowdiffError('ERR_TRANSPORT', message.error.message, {
                retriable: message.error.retriable,
              }),
            );
          return;
        }
        case 'state':
          status.update(message.state, message.lastError);
          return;
        case 'log':
          log(message.line);
          return;
        case 'closed':
          // The thread disconnected after close(): end it without waiting for its loop to drain.
          void worker.terminate();
          return;
      }
    });
    worker.on('error', (error) => {
      log(`kafka: publisher thread failed: ${error.message}`);
    });
    worker.on('exit', (code) => {
      running = false;
      const closed = status.state === 'closed';
      const error = new ShadowdiffError(
        'ERR_TRANSPORT',
        `kafka publisher thread exited (code ${code})`,
        { retriable: !closed },
      );
      for (const p of pending.values()) p.reject(error);
      pending.clear();
      if (closed) return;
      // A crash is a bug, but records must keep flowing: start a fresh thread after a pause.
      status.update('connecting', error.message);
      respawnTimer = setTimeout(() => {
        respawnTimer = undefined;
        if (status.state !== 'closed') current = spawn();
      }, RESPAWN_MS);
      respawnTimer.unref();
    });
    return worker;
  };
  let current = spawn();

  return publisherWith(status, {
    // pack() copies every value into the transferred buffer before publish returns.
    copiesValues: true,
    publish(messages: OutboundMessage[]): Promise<void> {
      if (messages.length === 0) return Promise.resolve();
      const refusal = status.refusal();
      if (refusal) return Promise.reject(refusal);
      const request = pack(nextId++, messages, spare);
      if (request.values === spare) spare = undefined;
      return new Promise<void>((resolve, reject) => {
        pending.set(request.id, { resolve, reject });
        current.postMessage(request, [request.values]);
      });
    },
    close(): Promise<void> {
      if (closing) return closing;
      status.update('closed', status.lastError);
      if (respawnTimer) clearTimeout(respawnTimer);
      const worker = current;
      if (!running) return (closing = Promise.resolve());
      closing = new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.postMessage({ t: 'close' });
      });
      return closing;
    },
  });
}

/**
 * Packs a batch for the thread: the values into one buffer, to be transferred — `spare` when it is
 * large enough, else a new one with room to grow (sizes round up to a power of two).
 */
function pack(
  id: number,
  messages: OutboundMessage[],
  spare: ArrayBuffer | undefined,
): PublishRequest {
  let total = 0;
  for (const m of messages) total += m.value.byteLength;
  const values =
    spare !== undefined && spare.byteLength >= total
      ? spare
      : new ArrayBuffer(batchBufferSize(total));
  const bytes = new Uint8Array(values);
  const ends = new Uint32Array(messages.length);
  const topicOf = new Uint16Array(messages.length);
  const topics: string[] = [];
  const keys: (string | null)[] = new Array<string | null>(messages.length);
  let headers: (Record<string, string> | undefined)[] | undefined;
  let offset = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as OutboundMessage;
    bytes.set(m.value, offset);
    offset += m.value.byteLength;
    ends[i] = offset;
    let t = topics.indexOf(m.topic);
    if (t < 0) t = topics.push(m.topic) - 1;
    topicOf[i] = t;
    keys[i] = m.key;
    if (m.headers) (headers ??= new Array(messages.length))[i] = m.headers;
  }
  return { t: 'publish', id, topics, topicOf, keys, headers, values, ends };
}
