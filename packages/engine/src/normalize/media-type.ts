/** The parts of a `content-type` that matter for comparison; every other parameter is noise. */
export interface MediaType {
  /** `type/subtype`, lower-case, e.g. `application/json`; `''` when absent. */
  essence: string;
  /** Lower-case charset label with aliases folded (`utf8` -> `utf-8`); undefined when absent. */
  charset: string | undefined;
}

const CHARSET_ALIASES: Record<string, string> = {
  utf8: 'utf-8',
  'iso-8859-1': 'latin1',
  iso8859_1: 'latin1',
  'iso_8859-1': 'latin1',
  'us-ascii': 'ascii',
  'utf-16le': 'utf-16le',
  utf16le: 'utf-16le',
};

const EMPTY: MediaType = Object.freeze({ essence: '', charset: undefined });

/**
 * Content types repeat endlessly (a service sends a handful), so parsed results are memoised in a
 * small bounded map instead of parsing every header of every pair.
 */
const cache = new Map<string, MediaType>();
const CACHE_LIMIT = 512;

export function parseMediaType(header: string | undefined): MediaType {
  if (header === undefined || header === '') return EMPTY;
  const hit = cache.get(header);
  if (hit !== undefined) return hit;
  const parsed = parseUncached(header);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(header, parsed);
  return parsed;
}

function parseUncached(header: string): MediaType {
  const parts = header.split(';');
  const essence = (parts[0] ?? '').trim().toLowerCase();
  let charset: string | undefined;
  for (let i = 1; i < parts.length; i++) {
    const param = (parts[i] ?? '').trim();
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    const raw = param
      .slice(eq + 1)
      .trim()
      .replace(/^"|"$/g, '')
      .toLowerCase();
    charset = CHARSET_ALIASES[raw] ?? raw;
  }
  return Object.freeze({ essence, charset });
}

/** `application/json`, `text/json`, `application/problem+json`, ... */
export function isJsonMediaType(essence: string): boolean {
  return (
    essence === 'application/json' ||
    essence === 'text/json' ||
    essence.endsWith('+json') ||
    essence === 'application/x-ndjson'
  );
}

/** Media types whose bodies are text even when they are not valid JSON. */
export function isTextMediaType(essence: string): boolean {
  return (
    essence.startsWith('text/') ||
    isJsonMediaType(essence) ||
    essence.endsWith('+xml') ||
    essence === 'application/xml' ||
    essence === 'application/javascript' ||
    essence === 'application/x-www-form-urlencoded' ||
    essence === 'application/graphql'
  );
}

/** Media types that are binary no matter what the bytes look like. */
export function isBinaryMediaType(essence: string): boolean {
  return (
    essence.startsWith('image/') ||
    essence.startsWith('audio/') ||
    essence.startsWith('video/') ||
    essence.startsWith('font/') ||
    essence === 'application/octet-stream' ||
    essence === 'application/pdf' ||
    essence === 'application/zip' ||
    essence === 'application/gzip' ||
    essence === 'application/protobuf' ||
    essence === 'application/x-protobuf' ||
    essence === 'application/grpc'
  );
}
