import { basename, extname } from 'node:path';
import { UsageError } from '@shadowdiff/contracts';
import type { Headers } from '@shadowdiff/contracts';
import {
  GOREPLAY_TYPES,
  harEntryToRecord,
  parseHarEntries,
  parseHttpRequest,
  readGoReplayFile,
} from '@shadowdiff/ingest';

export type CaptureFormat = 'har' | 'goreplay';

/** One request to replay, as the capture recorded it. */
export interface ReplayRequest {
  /** Where it is in the file, for messages: `entry 3` (HAR) or `block 2 (line 17)` (GoReplay). */
  where: string;
  method: string;
  /** Path and query (origin form); the capture's host is dropped, the target's is used. */
  url: string;
  headers: Headers;
  body: Uint8Array;
  /** HAR only: the scheme, host and port the browser sent it to (`https://shop.example`). */
  origin?: string;
}

/** An entry that was skipped: where it is and why. */
export interface MalformedEntry {
  where: string;
  reason: string;
}

export interface Capture {
  file: string;
  format: CaptureFormat;
  requests: ReplayRequest[];
  malformed: MalformedEntry[];
  /** GoReplay response payloads (types 2 and 3): read past, never replayed. */
  responsesIgnored: number;
}

/** `.har` / `.gor` by extension; otherwise a document starting with `{` is taken as HAR. */
export function detectFormat(path: string, bytes: Buffer): CaptureFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.har') return 'har';
  if (ext === '.gor') return 'goreplay';
  const head = bytes.subarray(0, 64).toString('utf8').trimStart();
  return head.startsWith('{') ? 'har' : 'goreplay';
}

function readHar(file: string, bytes: Buffer): Capture {
  const { entries, malformed } = parseHarEntries(bytes.toString('utf8'), file);
  const capture: Capture = {
    file,
    format: 'har',
    requests: [],
    malformed: malformed.map((m) => ({
      where: `entry ${m.index}`,
      reason: m.field ? `${m.field}: ${m.reason}` : m.reason,
    })),
    responsesIgnored: 0,
  };
  for (const { index, entry } of entries) {
    // The HAR's request half, read the way import-har reads it (headers, base64 bodies, origin form).
    const { request } = harEntryToRecord(entry, {
      traceId: 'replay',
      role: 'primary',
      service: 'replay',
      tapId: 'replay',
      file,
      index,
      pairedBy: 'replay',
      maxBodyBytes: Number.MAX_SAFE_INTEGER,
    });
    capture.requests.push({
      where: `entry ${index}`,
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: request.body,
      origin: new URL(entry.request.url).origin,
    });
  }
  return capture;
}

function readGor(file: string, bytes: Buffer): Capture {
  const capture: Capture = {
    file,
    format: 'goreplay',
    requests: [],
    malformed: [],
    responsesIgnored: 0,
  };
  for (const block of readGoReplayFile(bytes)) {
    const where = `block ${block.index} (line ${block.line})`;
    if (!block.decoded.ok) {
      capture.malformed.push({ where, reason: block.decoded.reason });
      continue;
    }
    const message = block.decoded.value;
    if (message.type !== GOREPLAY_TYPES.request) {
      capture.responsesIgnored++;
      continue;
    }
    const parsed = parseHttpRequest(message.http, { maxBodyBytes: Number.MAX_SAFE_INTEGER });
    if (!parsed.ok) {
      capture.malformed.push({ where: `${where}, request ${message.id}`, reason: parsed.reason });
      continue;
    }
    if (parsed.value.bodyTruncated) {
      capture.malformed.push({
        where: `${where}, request ${message.id}`,
        reason: `body cut short (${parsed.value.body.byteLength} of ${parsed.value.bodySize} bytes captured); it cannot be re-sent as recorded`,
      });
      continue;
    }
    capture.requests.push({
      where: `${where}, request ${message.id}`,
      method: parsed.value.method.toUpperCase(),
      url: parsed.value.url,
      headers: parsed.value.headers,
      body: parsed.value.body,
    });
  }
  return capture;
}

/** Reads the requests of a HAR or GoReplay capture; malformed entries are named, not fatal. */
export function readCapture(path: string, bytes: Buffer, format?: CaptureFormat): Capture {
  const file = basename(path);
  const chosen = format ?? detectFormat(path, bytes);
  if (chosen === 'har') return readHar(file, bytes);
  const capture = readGor(file, bytes);
  const first = capture.malformed[0];
  if (first && capture.requests.length === 0 && capture.responsesIgnored === 0) {
    // Nothing in the file decoded: most likely not a GoReplay capture at all.
    throw new UsageError(
      `${file}: no GoReplay payload could be read (${first.where}: ${first.reason}) — --from takes a HAR file (.har) or a \`gor --output-file\` capture (.gor)`,
    );
  }
  return capture;
}
