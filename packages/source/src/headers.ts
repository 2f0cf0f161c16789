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
 * Headers for the request sent upstream: the client's end-to-end headers in their original case,
 * order and repetition (node's rawHeaders layout: name, value, ...), with `extra` pairs appended;
 * an extra pair replaces the client's headers of that name (a mirror's fresh `traceparent` stands in
 * for an invalid one, not beside it). Also left out: `Expect` (node's server has already answered
 * the client's `100-continue` itself, as nginx does, and the upstream gets the whole body at once)
 * and `Trailer` (request trailers are not forwarded).
 */
export function requestHeaders(raw: readonly string[], extra?: readonly string[]): string[] {
  if (extra === undefined) return endToEndHeaders(raw, false, 'expect');
  const replaced: string[] = [];
  for (let i = 0; i < extra.length; i += 2) replaced.push((extra[i] as string).toLowerCase());
  const out = endToEndHeaders(raw, false, 'expect', replaced);
  for (const v of extra) out.push(v);
  return out;
}

/**
 * Headers for the response sent to the client. To an HTTP/1.1 client (`chunked`), node frames the
 * body exactly as `Transfer-Encoding` says (chunked stays chunked, at its original position, and a
 * `gzip, chunked` coding is not lost) instead of re-deciding and appending its own. To an HTTP/1.0
 * client `Trailer` is left out: trailers go only in chunked messages, and node refuses to send a
 * Trailer header it cannot honour.
 */
export function responseHeaders(raw: readonly string[], chunked: boolean): string[] {
  return endToEndHeaders(raw, chunked);
}

/**
 * The end-to-end headers (hop-by-hop ones and those `Connection` lists dropped, as RFC 9110 asks),
 * minus `drop` and `replaced`; `Transfer-Encoding` and `Trailer` stay only when the hop can chunk.
 */
function endToEndHeaders(
  raw: readonly string[],
  chunked: boolean,
  drop?: string,
  replaced?: readonly string[],
): string[] {
  const listed = connectionTokens(raw);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || listed?.has(lower) === true) {
      if (!(chunked && lower === 'transfer-encoding')) continue;
    } else if (
      lower === drop ||
      (!chunked && lower === 'trailer') ||
      replaced?.includes(lower) === true
    ) {
      continue;
    }
    out.push(name, raw[i + 1] as string);
  }
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
