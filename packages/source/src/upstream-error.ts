import type { UpstreamErrorKind } from '@shadowdiff/contracts';

/** Raised by the tap's own timers so a timeout reads as one, whatever node reports afterwards. */
export class UpstreamTimeoutError extends Error {
  readonly code = 'SHADOWDIFF_UPSTREAM_TIMEOUT';
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/**
 * Maps a socket/HTTP client error to the record's failure kind. undici's `UND_ERR_SOCKET` and a
 * content-length mismatch mean the upstream closed the connection before the response was complete.
 */
export function upstreamErrorKind(error: unknown): UpstreamErrorKind {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'SHADOWDIFF_UPSTREAM_TIMEOUT':
    case 'ETIMEDOUT':
    case 'ESOCKETTIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return 'timeout';
    case 'ECONNREFUSED':
      return 'refused';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
    case 'ERR_STREAM_PREMATURE_CLOSE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return 'reset';
    default:
      return (error as Error | null)?.message === 'socket hang up' ? 'reset' : 'other';
  }
}
