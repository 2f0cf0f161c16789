import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyCapture } from '@shadowdiff/source';

type Write = ServerResponse['write'];
type End = ServerResponse['end'];

/**
 * Keeps what the service hands to `res.write` / `res.end` — the body as it goes to node, before
 * chunk framing and after any compression the service does itself: the bytes a proxy in front of
 * it would read off the wire, once de-chunked. The original methods are called with the very
 * arguments they were given and their results returned, so not a byte of the response changes;
 * a failure in the bookkeeping is swallowed (counted by the caller), never thrown into the service.
 */
export function watchResponse(
  res: ServerResponse,
  capture: BodyCapture,
  failed: (error: unknown) => void,
): void {
  const write = res.write as (...args: unknown[]) => boolean;
  const end = res.end as (...args: unknown[]) => ServerResponse;
  const keep = (chunk: unknown, encoding: unknown): void => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    try {
      if (typeof chunk === 'string') {
        if (chunk.length === 0) return;
        const enc = typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8';
        capture.push(Buffer.from(chunk, enc));
      } else if (chunk instanceof Uint8Array) {
        if (chunk.byteLength === 0) return;
        capture.push(
          Buffer.isBuffer(chunk)
            ? chunk
            : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength),
        );
      }
    } catch (error) {
      failed(error);
    }
  };
  res.write = function (this: ServerResponse, ...args: unknown[]): boolean {
    keep(args[0], args[1]);
    return write.apply(this, args);
  } as Write;
  res.end = function (this: ServerResponse, ...args: unknown[]): ServerResponse {
    keep(args[0], args[1]);
    return end.apply(this, args);
  } as End;
}

/**
 * The request body as it arrives, whoever reads it (or nobody): node's HTTP parser hands every
 * chunk to `req.push`, and `push(null)` at the end. Listening for `data` instead would switch the
 * stream to flowing mode under the service's feet.
 */
export function watchRequestBody(
  req: IncomingMessage,
  capture: BodyCapture,
  complete: () => void,
  failed: (error: unknown) => void,
): void {
  const push = req.push as (chunk: unknown, encoding?: BufferEncoding) => boolean;
  req.push = function (this: IncomingMessage, chunk: unknown, encoding?: BufferEncoding): boolean {
    try {
      if (chunk === null) complete();
      else if (Buffer.isBuffer(chunk)) capture.push(chunk);
    } catch (error) {
      failed(error);
    }
    return push.call(this, chunk, encoding);
  };
}

/** No body goes out for these, whatever the service writes (node drops it). */
export function answerHasBody(method: string, status: number): boolean {
  return method !== 'HEAD' && status !== 204 && status !== 304 && (status < 100 || status >= 200);
}

/**
 * The response head as node wrote it to the socket (`res._header`: status line, then the headers
 * in the order, case and repetition sent, node's own `Date`, `Connection` and framing included) as
 * raw pairs — exactly what a proxy in front would have parsed. undefined before the head went out.
 */
export function sentHeaders(res: ServerResponse): string[] | undefined {
  const head = (res as unknown as { _header?: unknown })._header;
  if (typeof head !== 'string') return undefined;
  const out: string[] = [];
  let at = head.indexOf('\r\n') + 2;
  while (at > 1 && at < head.length) {
    const eol = head.indexOf('\r\n', at);
    if (eol < 0 || eol === at) break;
    const colon = head.indexOf(':', at);
    if (colon > at && colon < eol)
      out.push(head.slice(at, colon), head.slice(colon + 1, eol).trim());
    at = eol + 2;
  }
  return out;
}

export const NO_BODY = new BodyCapture(0);
