import type { Headers } from '@shadowdiff/contracts';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection, not the message: a proxy must not
 * forward them. Node frames each side itself (keep-alive, chunking), so they are rebuilt per hop.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'transfer-encoding',
  'upgrade',
]);

/** Connection-management noise that differs between servers for no reason a diff cares about. */
const NOT_RECORDED = new Set(['connection', 'keep-alive', 'proxy-connection']);

/** Names a `Connection` header lists are hop-by-hop too; usually there are none beyond keep-alive. */
function connectionTokens(raw: readonly string[]): Set<string> | undefined {
  let tokens: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if ((raw[i] as string).toLowerCase() !== 'connection') continue;
    for (const t of (raw[i + 1] as string).split(',')) {
      const name = t.trim().toLowerCase();
      if (name !== '' && name !== 'keep-alive' && name !== 'close')
        (tokens ??= new Set()).add(name);
    }
  }
  return tokens;
}

/**
 * The end-to-end headers of a message, in their original case, order and repetition (node's
 * rawHeaders layout: name, value, name, value, ...), with `extra` pairs appended.
 *
 * `keepTransferEncoding` is for responses to HTTP/1.1 clients: node then frames the body exactly as
 * the header says (chunked stays chunked, at its original position in the header list, and a
 * `gzip, chunked` transfer coding is not lost), instead of re-deciding and appending its own.
 *
 * `dropExpect` is for requests sent upstream: node's server has already answered the client's
 * `Expect: 100-continue` itself (as nginx does), and the upstream gets the whole body at once.
 */
export function forwardHeaders(
  raw: readonly string[],
  extra?: readonly string[],
  keepTransferEncoding = false,
  dropExpect = false,
): string[] {
  const listed = connectionTokens(raw);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || listed?.has(lower) === true) {
      if (!(keepTransferEncoding && lower === 'transfer-encoding')) continue;
    } else if (dropExpect && lower === 'expect') {
      continue;
    } else if (!keepTransferEncoding && lower === 'trailer') {
      // Trailers go only in chunked messages: an HTTP/1.0 client gets none (node refuses to send a
      // Trailer header it cannot honour), and request trailers are not forwarded.
      continue;
    }
    out.push(name, raw[i + 1] as string);
  }
  if (extra) for (const v of extra) out.push(v);
  return out;
}

/**
 * Headers as a TapRecord carries them: lower-case names, repeated headers joined with ", "
 * (set-cookie with "\n", since cookie attributes contain commas). Connection management is left
 * out; everything else is kept as the wire had it, before redaction.
 */
export function recordHeaders(raw: readonly string[]): Headers {
  // A plain object stays in V8's fast mode (a null-prototype one does not, and costs more to build
  // and to stringify); the one name that would misbehave on it is stored as an own property.
  const out: Headers = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (NOT_RECORDED.has(name)) continue;
    const value = raw[i + 1] as string;
    if (name === '__proto__') {
      const previous = Object.hasOwn(out, name) ? out[name] : undefined;
      Object.defineProperty(out, name, {
        value: previous === undefined ? value : `${previous}, ${value}`,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      continue;
    }
    // Inherited members (`constructor`, `toString`) are functions, never strings: not a repeat.
    const existing: unknown = out[name];
    out[name] =
      typeof existing !== 'string'
        ? value
        : `${existing}${name === 'set-cookie' ? '\n' : ', '}${value}`;
  }
  return out;
}
