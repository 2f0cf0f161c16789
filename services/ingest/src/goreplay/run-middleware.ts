import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { PublishQueue } from '../publish/publish-queue.js';
import { toOutbound } from '../publish/to-outbound.js';
import type { GoReplayAdapter } from './goreplay-adapter.js';
import { decodeGoReplayLine } from './protocol.js';

export interface MiddlewareStreams {
  /** GoReplay writes messages here (the middleware's stdin). */
  input: NodeJS.ReadableStream;
  /** Every message goes back here unchanged (the middleware's stdout, read by GoReplay). */
  output: NodeJS.WritableStream;
  /** Problems, for stderr: never stdout, which belongs to the protocol. */
  log: (line: string) => void;
  /** Stops reading (SIGTERM from GoReplay on shutdown). */
  signal?: AbortSignal;
}

/** Problem lines logged before going quiet; the exit summary still counts all of them. */
const LOGGED_PROBLEMS = 20;

/**
 * The middleware loop: each line is echoed first — GoReplay waits for it, and the echo must not
 * depend on Kafka — then decoded and handed to the adapter, whose records go to the publish queue
 * keyed by the request id. Undecodable lines are echoed too: the adapter observes traffic, it never
 * filters it.
 */
export async function runGoReplayMiddleware(
  streams: MiddlewareStreams,
  adapter: GoReplayAdapter,
  queue: PublishQueue,
  topic: string,
  /** Largest record, bytes (`kafka.maxMessageBytes`); larger ones are cut to fit. */
  maxRecordBytes?: number,
): Promise<void> {
  const lines = createInterface({ input: streams.input, crlfDelay: Infinity });
  const stop = (): void => lines.close();
  streams.signal?.addEventListener('abort', stop, { once: true });
  let logged = 0;
  const problem = (line: string): void => {
    if (logged < LOGGED_PROBLEMS) streams.log(line);
    else if (logged === LOGGED_PROBLEMS) streams.log('further problems are counted, not logged');
    logged++;
  };
  try {
    for await (const line of lines) {
      if (!streams.output.write(`${line}\n`)) await once(streams.output, 'drain');
      const decoded = decodeGoReplayLine(line);
      if (!decoded.ok) {
        adapter.invalidLine();
        problem(`line ${adapter.stats.messages}: ${decoded.reason}`);
        continue;
      }
      const { records, problems } = adapter.handle(decoded.value);
      for (const p of problems) problem(p);
      if (records.length > 0) queue.offer(records.map((r) => toOutbound(r, topic, maxRecordBytes)));
    }
  } finally {
    streams.signal?.removeEventListener('abort', stop);
    lines.close();
  }
}
