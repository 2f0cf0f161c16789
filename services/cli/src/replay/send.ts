import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { CapturedResponse, Headers, UpstreamError } from '@shadowdiff/contracts';
import type { ReplayRequest } from './capture.js';

/**
 * Headers that describe the recorded connection, not the request (RFC 9110 §7.6.1), plus the ones
 * the new hop sets itself: `host` names the target, `content-length` is the body sent.
 */
const NOT_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
  'content-length',
]);

/** One side replayed to: its base URL and a keep-alive agent bounded by the concurrency. */
export interface Target {
  base: URL;
  agent: HttpAgent;
}

export function createTarget(base: URL, concurrency: number): Target {
  const options = { keepAlive: true, maxSockets: concurrency };
  return {
    base,
    agent: base.protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options),
  };
}

export interface SideResult {
  /** Epoch ms the request left. */
  capturedAt: number;
  durationMs: number;
  response?: CapturedResponse;
  error?: UpstreamError;
}

export interface SendOptions {
  /** Idle socket timeout; the side's record then says `timeout`. */
  timeoutMs: number;
  /** Response body bytes kept (the rest counted and flagged truncated). */
  captureBodyBytes: number;
  /** Replaces or adds these headers (trace context, the shadow marker). */
  extraHeaders: Record<string, string>;
}

/** `/base` + `/path?q` with no doubled slash; a base without a path adds nothing. */
export function targetPath(base: URL, url: string): string {
  const prefix = base.pathname.replace(/\/+$/, '');
  return `${prefix}${url.startsWith('/') ? url : `/${url}`}`;
}

/** The headers sent: the recorded end-to-end ones, then `extra` (which win, by name). */
export function outgoingHeaders(
  request: ReplayRequest,
  extra: Record<string, string>,
): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (NOT_FORWARDED.has(name) || name in extra) continue;
    // A record joins repeated headers; only cookies (joined by newline) must go out one per line.
    out[name] = value.includes('\n') ? value.split('\n') : value;
  }
  for (const [name, value] of Object.entries(extra)) out[name] = value;
  if (request.body.byteLength > 0 || !['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
    out['content-length'] = String(request.body.byteLength);
  }
  return out;
}

function recordHeaders(raw: string[]): Headers {
  const headers: Headers = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    const existing = headers[name];
    headers[name] =
      existing === undefined ? value : `${existing}${name === 'set-cookie' ? '\n' : ', '}${value}`;
  }
  return headers;
}

function errorKind(error: NodeJS.ErrnoException): UpstreamError['kind'] {
  if (error.code === 'ECONNREFUSED') return 'refused';
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return 'reset';
  if (error.code === 'ETIMEDOUT') return 'timeout';
  return 'other';
}

function readBody(
  res: IncomingMessage,
  cap: number,
): Promise<{ body: Uint8Array; bodySize: number }> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let kept = 0;
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (kept < cap) {
        const part = chunk.byteLength > cap - kept ? chunk.subarray(0, cap - kept) : chunk;
        parts.push(part);
        kept += part.byteLength;
      }
    });
    res.once('end', () => resolve({ body: Buffer.concat(parts), bodySize: size }));
    res.once('error', reject);
    res.once('aborted', () =>
      reject(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })),
    );
  });
}

/**
 * Sends one recorded request to one side and captures the answer as a TapRecord half would carry
 * it: raw body bytes (content-encoding untouched, the worker decodes), headers lower-cased and
 * joined like the tap's. A failure becomes an `UpstreamError`, never a throw.
 */
export function sendRequest(
  target: Target,
  request: ReplayRequest,
  options: SendOptions,
): Promise<SideResult> {
  const capturedAt = Date.now();
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const send = target.base.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<SideResult>((resolve) => {
    const fail = (error: NodeJS.ErrnoException) =>
      resolve({
        capturedAt,
        durationMs: elapsed(),
        error: { kind: errorKind(error), message: error.message },
      });
    const req = send(
      {
        protocol: target.base.protocol,
        hostname: target.base.hostname,
        port: target.base.port,
        method: request.method,
        path: targetPath(target.base, request.url),
        headers: outgoingHeaders(request, options.extraHeaders),
        agent: target.agent,
      },
      (res) => {
        readBody(res, options.captureBodyBytes).then(({ body, bodySize }) => {
          const headers = recordHeaders(res.rawHeaders);
          const encoding = headers['content-encoding']?.trim().toLowerCase();
          resolve({
            capturedAt,
            durationMs: elapsed(),
            response: {
              status: res.statusCode ?? 0,
              headers,
              body,
              bodySize,
              bodyTruncated: bodySize > body.byteLength,
              ...(encoding && encoding !== 'identity' ? { contentEncoding: encoding } : {}),
            },
          });
        }, fail);
      },
    );
    req.setTimeout(options.timeoutMs, () => {
      req.destroy(
        Object.assign(new Error(`no answer within ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' }),
      );
    });
    req.once('error', fail);
    req.end(request.body.byteLength > 0 ? request.body : undefined);
  });
}
