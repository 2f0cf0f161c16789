import { createHmac } from 'node:crypto';
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import type { Headers } from '@shadowdiff/contracts';
import { parseJsonPointer, replaceAtPointer } from './json-pointer.js';

/** Headers redacted whatever the config says. */
export const DEFAULT_REDACTED_HEADERS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
] as const;

/** Prefix of every redaction token, so a reader of a record sees what happened. */
export const REDACTED_PREFIX = 'redacted:';

export interface RedactorOptions {
  /** Per-deployment HMAC key: taps that must agree on tokens (two sidecars) need the same key. */
  key: Uint8Array;
  /** Header names redacted on top of DEFAULT_REDACTED_HEADERS (any case). Default none. */
  headers?: readonly string[];
  /** JSON pointers (with `*`) redacted in JSON bodies. Default none. */
  jsonPaths?: readonly string[];
  /** Largest decoded body the redactor will inflate to look inside. Default 8 MiB. */
  maxDecodedBytes?: number;
}

/** A captured body and what the wire said about it. */
export interface BodyPart {
  body: Uint8Array;
  bodySize: number;
  bodyTruncated: boolean;
  contentEncoding?: string | undefined;
}

/** What body redaction did: nothing matched, values replaced, or the body withheld. */
export type BodyRedaction = 'none' | 'redacted' | 'withheld';

export interface Redactor {
  /** Whether any body rule exists; when false `body` is the identity and can be skipped. */
  readonly hasBodyRules: boolean;
  /** Equality-preserving token: equal inputs give equal tokens, different inputs different ones. */
  token(value: string): string;
  /** Redacts record headers in place (names are lower-case, as in a TapRecord). */
  headers(headers: Headers): void;
  body(part: BodyPart, contentType: string | undefined): { part: BodyPart; outcome: BodyRedaction };
}

const EMPTY = new Uint8Array(0);

/**
 * Redaction happens in the tap, before a record leaves the process. It must neither create nor
 * hide a diff, so a secret is replaced by a keyed HMAC of itself: the same secret on both sides of a
 * pair becomes the same token, a different one a different token, and without the key a token says
 * nothing about the secret. Structure around secrets (auth scheme, cookie names and attributes) is
 * kept so diffs on it stay readable.
 */
export function createRedactor(options: RedactorOptions): Redactor {
  const key = Buffer.from(options.key);
  const names = new Set<string>(DEFAULT_REDACTED_HEADERS);
  for (const h of options.headers ?? []) names.add(h.toLowerCase());
  const pointers = (options.jsonPaths ?? []).map((p, i) =>
    parseJsonPointer(p, `tap.redact.jsonPaths[${i}]`),
  );
  const maxDecodedBytes = options.maxDecodedBytes ?? 8 * 1_048_576;

  const token = (value: string): string =>
    REDACTED_PREFIX + createHmac('sha256', key).update(value).digest('base64url').slice(0, 22);

  const headerValue = (name: string, value: string): string => {
    switch (name) {
      case 'authorization':
      case 'proxy-authorization': {
        const space = value.indexOf(' ');
        return space > 0
          ? `${value.slice(0, space)} ${token(value.slice(space + 1).trim())}`
          : token(value);
      }
      case 'cookie':
        return value
          .split(';')
          .map((pair) => cookiePair(pair.trim()))
          .join('; ');
      case 'set-cookie':
        return value
          .split('\n')
          .map((line) => {
            const semi = line.indexOf(';');
            return semi < 0
              ? cookiePair(line.trim())
              : `${cookiePair(line.slice(0, semi).trim())}${line.slice(semi)}`;
          })
          .join('\n');
      default:
        return token(value);
    }
  };

  const cookiePair = (pair: string): string => {
    const eq = pair.indexOf('=');
    return eq < 0 ? token(pair) : `${pair.slice(0, eq)}=${token(pair.slice(eq + 1))}`;
  };

  const withheld = (part: BodyPart): { part: BodyPart; outcome: BodyRedaction } => ({
    part: { body: EMPTY, bodySize: part.bodySize, bodyTruncated: true },
    outcome: 'withheld',
  });

  return {
    hasBodyRules: pointers.length > 0,
    token,
    headers(headers) {
      for (const name of Object.keys(headers)) {
        if (names.has(name)) headers[name] = headerValue(name, headers[name] as string);
      }
    },
    body(part, contentType) {
      if (pointers.length === 0 || part.body.byteLength === 0) return { part, outcome: 'none' };
      if (contentType === undefined || !contentType.toLowerCase().includes('json')) {
        return { part, outcome: 'none' };
      }
      // A partial or undecodable JSON body may hold a secret we cannot locate: keep it out.
      if (part.bodyTruncated) return withheld(part);
      const decoded = decode(part.body, part.contentEncoding, maxDecodedBytes);
      if (decoded === undefined) return withheld(part);
      let document: unknown;
      try {
        document = JSON.parse(decoded.toString('utf8'));
      } catch {
        return withheld(part);
      }
      let replaced = 0;
      for (const pointer of pointers) {
        replaced += replaceAtPointer(document, pointer, (value) => token(JSON.stringify(value)));
      }
      if (replaced === 0) return { part, outcome: 'none' };
      const body = Buffer.from(JSON.stringify(document), 'utf8');
      // The rewritten body is plain JSON: the record no longer claims a content encoding for it.
      return {
        part: { body, bodySize: body.byteLength, bodyTruncated: false },
        outcome: 'redacted',
      };
    },
  };
}

function decode(body: Uint8Array, encoding: string | undefined, max: number): Buffer | undefined {
  const options = { maxOutputLength: max };
  try {
    switch ((encoding ?? 'identity').trim().toLowerCase()) {
      case 'identity':
      case '':
        return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
      case 'gzip':
      case 'x-gzip':
        return gunzipSync(body, options);
      case 'deflate':
        // RFC 9110 deflate is zlib-wrapped, but some servers send raw deflate.
        try {
          return inflateSync(body, options);
        } catch {
          return inflateRawSync(body, options);
        }
      case 'br':
        return brotliDecompressSync(body, options);
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}
