/**
 * The body of the publisher thread (see threaded-publisher.ts): an ordinary kafkajs publisher,
 * driven by messages from the thread that owns it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ShadowdiffError } from '@shadowdiff/contracts';
import type { OutboundMessage } from '@shadowdiff/engine';
import { createKafkaPublisher } from './publisher.js';
import type {
  FromThread,
  PublishRequest,
  ThreadPublisherOptions,
  ToThread,
} from './publisher-thread-protocol.js';

const port = parentPort;
if (port === null) throw new Error('publisher-thread.js runs only as a worker thread');
const post = (message: FromThread): void => port.postMessage(message);

const publisher = createKafkaPublisher({
  ...(workerData as ThreadPublisherOptions),
  log: (line) => post({ t: 'log', line }),
  onStateChange: (state, lastError) => post({ t: 'state', state, lastError }),
});

function unpack(request: PublishRequest): OutboundMessage[] {
  const out: OutboundMessage[] = new Array<OutboundMessage>(request.keys.length);
  let start = 0;
  for (let i = 0; i < out.length; i++) {
    const end = request.ends[i] as number;
    const headers = request.headers?.[i];
    out[i] = {
      topic: request.topics[request.topicOf[i] as number] as string,
      key: request.keys[i] as string | null,
      value: Buffer.from(request.values, start, end - start),
      ...(headers ? { headers } : {}),
    };
    start = end;
  }
  return out;
}

port.on('message', (message: ToThread) => {
  if (message.t === 'close') {
    void publisher.close().finally(() => {
      post({ t: 'closed' });
      port.close();
    });
    return;
  }
  const { id, values } = message;
  // Once publish has settled nothing reads the values any more: the buffer goes back to be filled
  // again, so neither thread allocates a batch-sized buffer per batch.
  const done = (reply: FromThread & { t: 'done' }): void => port.postMessage(reply, [values]);
  publisher.publish(unpack(message)).then(
    () => done({ t: 'done', id, values }),
    (error: unknown) =>
      done({
        t: 'done',
        id,
        values,
        error: {
          message: error instanceof Error ? error.message : String(error),
          retriable: !(error instanceof ShadowdiffError) || error.retriable,
        },
      }),
  );
});
