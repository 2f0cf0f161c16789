import { ROLES, UPSTREAM_ERROR_KINDS } from '../roles.js';
import type { TapRecordHeader } from '../tap-record.js';

/**
 * A hand-written twin of `tapRecordHeaderSchema` for the hot path: the worker decodes every record
 * (tens of thousands a second) and zod's generic walk costs several times the JSON.parse itself.
 * It only ever says yes for headers the schema accepts; anything else (including every invalid
 * header) goes to zod, which decides and words the reason. Kept in step with the schema by a
 * property test that runs both.
 */
const TOP = new Set([
  'v',
  'traceId',
  'role',
  'service',
  'tapId',
  'capturedAt',
  'durationMs',
  'request',
  'response',
  'error',
  'meta',
]);
const REQUEST = new Set([
  'method',
  'url',
  'headers',
  'bodyLength',
  'bodySize',
  'bodyTruncated',
  'contentEncoding',
]);
const RESPONSE = new Set([
  'status',
  'headers',
  'bodyLength',
  'bodySize',
  'bodyTruncated',
  'contentEncoding',
]);
const ROLE_SET: ReadonlySet<unknown> = new Set(ROLES);
const ERROR_KINDS: ReadonlySet<unknown> = new Set(UPSTREAM_ERROR_KINDS);

type Obj = Record<string, unknown>;

function plainObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKeys(value: Obj, allowed: ReadonlySet<string>): boolean {
  for (const key in value) if (!allowed.has(key)) return false;
  return true;
}

function str(value: unknown, min: number, max: number): boolean {
  return typeof value === 'string' && value.length >= min && value.length <= max;
}

function nonNegative(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function count(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function stringRecord(value: unknown): boolean {
  if (!plainObject(value) || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) {
    if (key === '__proto__' || typeof value[key] !== 'string') return false;
  }
  return true;
}

function body(value: Obj): boolean {
  return (
    stringRecord(value.headers) &&
    count(value.bodyLength) &&
    count(value.bodySize) &&
    typeof value.bodyTruncated === 'boolean' &&
    (!('contentEncoding' in value) || typeof value.contentEncoding === 'string')
  );
}

/** True only when `raw` (a parsed header) certainly matches the schema; false means "ask zod". */
export function isTapRecordHeader(raw: unknown): raw is TapRecordHeader {
  if (!plainObject(raw) || !onlyKeys(raw, TOP)) return false;
  if (
    raw.v !== 1 ||
    !str(raw.traceId, 1, 256) ||
    !ROLE_SET.has(raw.role) ||
    !str(raw.service, 1, 256) ||
    !str(raw.tapId, 1, 256) ||
    !nonNegative(raw.capturedAt) ||
    !nonNegative(raw.durationMs)
  ) {
    return false;
  }
  const request = raw.request;
  if (!plainObject(request) || !onlyKeys(request, REQUEST)) return false;
  if (!str(request.method, 1, 32) || !str(request.url, 0, 65_536) || !body(request)) return false;
  if ('response' in raw) {
    const response = raw.response;
    if (!plainObject(response) || !onlyKeys(response, RESPONSE) || !body(response)) return false;
    const status = response.status;
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 999) {
      return false;
    }
  }
  if ('error' in raw) {
    const error = raw.error;
    if (!plainObject(error) || !onlyKeys(error, ERROR_SET_KEYS)) return false;
    if (!ERROR_KINDS.has(error.kind) || typeof error.message !== 'string') return false;
  }
  if ('meta' in raw && !stringRecord(raw.meta)) return false;
  return 'response' in raw || 'error' in raw;
}

const ERROR_SET_KEYS = new Set(['kind', 'message']);
