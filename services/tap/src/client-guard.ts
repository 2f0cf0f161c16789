import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Why the tap refused a client before any upstream saw the request (`shadow.tap.rejected{reason}`):
 * `framing` (a body framing the tap cannot forward unambiguously), `host` (more than one Host),
 * `malformed` (node's parser refused it), `headers_too_large` (`tap.server.maxHeaderBytes`),
 * `timeout` (`tap.server.headersTimeoutMs` / `requestTimeoutMs`), `connections` (past
 * `tap.server.maxConnections`). Closed list: bounded cardinality.
 */
export const REJECT_REASONS = [
  'framing',
  'host',
  'malformed',
  'headers_too_large',
  'timeout',
  'connections',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/**
 * A request whose body framing two HTTP implementations could read differently — the stuff of
 * request smuggling — and that the tap therefore must not forward. node's parser already refuses
 * Content-Length beside Transfer-Encoding, repeated or malformed Content-Length, obs-fold, bad
 * chunk sizes and unknown codings without `chunked`; what it lets through, and what is refused
 * here: a Transfer-Encoding in an HTTP/1.0 request (RFC 9112 §6.1: faulty framing), a coding list
 * other than exactly `chunked` (`gzip, chunked` would reach the upstream re-chunked with its gzip
 * coding silently lost), and more than one Host (RFC 9112 §3.2: answer 400). Returns what is
 * wrong, or undefined.
 */
export function framingProblem(
  req: IncomingMessage,
): { reason: RejectReason; why: string } | undefined {
  const raw = req.rawHeaders;
  let hosts = 0;
  let lengths = 0;
  let codings: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (name === 'host') hosts += 1;
    else if (name === 'content-length') lengths += 1;
    else if (name === 'transfer-encoding') {
      const value = raw[i + 1] as string;
      codings = codings === undefined ? value : `${codings},${value}`;
    }
  }
  if (hosts > 1) return { reason: 'host', why: 'more than one Host header' };
  if (lengths > 1) return { reason: 'framing', why: 'more than one Content-Length' };
  if (codings === undefined) return undefined;
  if (lengths > 0) return { reason: 'framing', why: 'both Content-Length and Transfer-Encoding' };
  if (req.httpVersionMajor !== 1 || req.httpVersionMinor < 1)
    return { reason: 'framing', why: 'Transfer-Encoding in an HTTP/1.0 request' };
  const list = codings
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '');
  if (list.length !== 1 || list[0] !== 'chunked')
    return {
      reason: 'framing',
      why: `Transfer-Encoding '${codings}' (only 'chunked' is forwarded)`,
    };
  return undefined;
}

/** Connections on which the tap refused a request: nothing after it on them is served. */
const refused = new WeakSet<Socket>();

/**
 * Answers 400 and closes the connection. Closing matters as much as the status: the bytes after a
 * head the tap could not frame are not trustworthy as a next request, so none is read from this
 * connection again (a pipelined request node has already parsed is dropped by `wasRefused`).
 */
export function refuse(req: IncomingMessage, res: ServerResponse, why: string): void {
  const socket = req.socket;
  refused.add(socket);
  const body = `shadowdiff tap: bad request: ${why}\n`;
  res.shouldKeepAlive = false;
  res.writeHead(400, 'Bad Request', {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  res.end(body, () => socket.destroy());
}

/** A request that came on a connection the tap refused an earlier request on: drop it unserved. */
export function wasRefused(req: IncomingMessage): boolean {
  return refused.has(req.socket);
}

/**
 * A request target in origin form (path and query) and, for an absolute-form target
 * (`GET http://host/admin HTTP/1.1`, which servers must accept, RFC 9112 §3.2.2), the authority
 * that then stands for the Host header. Other targets (`*`) are returned unchanged.
 */
export function originForm(target: string): { path: string; authority?: string } {
  if (target.startsWith('/')) return { path: target };
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(target);
  if (match === null) return { path: target };
  const rest = target.slice(match[0].length).replace(/#.*$/, '');
  const authority = (match[1] as string).replace(/^[^@]*@/, '');
  const path = rest.startsWith('/') ? rest : `/${rest}`;
  return authority === '' ? { path } : { path, authority };
}

/**
 * `raw` (node's rawHeaders layout) without the header `name` (lower-case), in any case; the same
 * array when it is not there (the common case costs one scan, no copy).
 */
export function withoutHeader(raw: readonly string[], name: string): readonly string[] {
  let found = false;
  for (let i = 0; i < raw.length && !found; i += 2)
    found = (raw[i] as string).toLowerCase() === name;
  if (!found) return raw;
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2)
    if ((raw[i] as string).toLowerCase() !== name) out.push(raw[i] as string, raw[i + 1] as string);
  return out;
}

/** What `clientError` reports, as a rejection reason and the answer node would give. */
export function clientErrorReason(code: string | undefined): RejectReason {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return 'headers_too_large';
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 'timeout';
    default:
      return 'malformed';
  }
}

const ANSWERS: Record<RejectReason, string> = {
  framing: 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n',
  host: 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n',
  malformed: 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n',
  headers_too_large: 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n',
  timeout: 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n',
  connections: '',
};

/**
 * node's own `clientError` answer (a parse error, an oversized head, a header or request timeout),
 * kept as it is — 400, 431 or 408, then the connection is destroyed — with the reason counted.
 * Nothing is written when a response is already under way on the connection (it would corrupt it).
 */
export function answerClientError(
  error: NodeJS.ErrnoException,
  socket: Socket & { _httpMessage?: { headersSent?: boolean } | null },
  count: (reason: RejectReason) => void,
): void {
  const reason = clientErrorReason(error.code);
  // A client resetting an idle keep-alive connection is not a rejection; nor is what follows a
  // refused request on its connection (already counted once).
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE' || refused.has(socket)) {
    socket.destroy();
    return;
  }
  count(reason);
  const inFlight = socket._httpMessage;
  if (socket.writable && (inFlight == null || inFlight.headersSent !== true)) {
    socket.write(ANSWERS[reason]);
  }
  socket.destroy();
}
