import type { Headers } from '@shadowdiff/contracts';

/**
 * Adds one header to a TapRecord header map the way the tap does: names lower-case, repeated
 * headers joined with ", " except set-cookie, which is joined with "\n" (its values contain commas).
 * HTTP/2 pseudo-headers (`:authority`, as HAR files from browsers carry) are not headers: skipped.
 */
export function appendHeader(headers: Headers, name: string, value: string): void {
  const key = name.trim().toLowerCase();
  if (key === '' || key.startsWith(':')) return;
  const existing = headers[key];
  if (existing === undefined) headers[key] = value;
  else headers[key] = `${existing}${key === 'set-cookie' ? '\n' : ', '}${value}`;
}

/** The `content-encoding` a record carries, or undefined for identity / none. */
export function contentEncodingOf(headers: Headers): string | undefined {
  const value = headers['content-encoding']?.trim().toLowerCase();
  return value === undefined || value === '' || value === 'identity' ? undefined : value;
}
