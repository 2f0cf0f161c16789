import { Buffer } from 'node:buffer';
import type { TapRecord } from '@shadowdiff/contracts';

export type Variant = 'identical' | 'volatile' | 'drift';

/** Deterministic pseudo-random numbers so every run measures the same documents. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function hex(next: () => number, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += Math.floor(next() * 16).toString(16);
  return out;
}

function uuid(next: () => number): string {
  const h = hex(next, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

interface Item {
  id: number;
  sku: string;
  name: string;
  price: number;
  qty: number;
  tags: string[];
  updatedAt: string;
  traceToken: string;
  discount?: number;
  currency?: string;
}

interface Doc {
  requestId: string;
  generatedAt: string;
  total: number;
  items: Item[];
}

const BASE_MS = Date.UTC(2024, 4, 1, 10, 0, 0);

function item(i: number, next: () => number): Item {
  return {
    id: 1000 + i,
    sku: `SKU-${(i * 7919) % 100000}`,
    name: `Product number ${i} with a reasonably descriptive name`,
    price: Math.round(next() * 100000) / 100,
    qty: Math.floor(next() * 10),
    tags: ['alpha', 'beta', 'gamma'].slice(0, 1 + (i % 3)),
    updatedAt: new Date(BASE_MS - i * 60_000).toISOString(),
    traceToken: hex(next, 24),
  };
}

/**
 * A catalogue-like document of at most `bytes` bytes of JSON. Every item carries two volatile
 * fields (a timestamp and a hex token), so the volatile variant is dense with differences.
 */
export function primaryDoc(bytes: number): Doc {
  const next = rng(42);
  const doc: Doc = {
    requestId: uuid(next),
    generatedAt: new Date(BASE_MS).toISOString(),
    total: 0,
    items: [],
  };
  for (;;) {
    doc.items.push(item(doc.items.length, next));
    if (JSON.stringify(doc).length > bytes) {
      doc.items.pop();
      break;
    }
  }
  doc.total = doc.items.length;
  return doc;
}

/** The shadow side: same bytes, different volatile fields only, or structural drift. */
export function shadowDoc(primary: Doc, variant: Variant): Doc {
  const doc = JSON.parse(JSON.stringify(primary)) as Doc;
  if (variant === 'identical') return doc;
  const next = rng(7);
  doc.requestId = uuid(next);
  doc.generatedAt = new Date(BASE_MS + 1500).toISOString();
  for (const it of doc.items) {
    it.updatedAt = new Date(Date.parse(it.updatedAt) + 800).toISOString();
    it.traceToken = hex(next, 24);
  }
  if (variant === 'volatile') return doc;
  // Structural drift: a field renamed, a value changed, a type change, every few items.
  doc.items.forEach((it, i) => {
    if (i % 4 === 0) {
      it.currency = 'EUR';
      delete it.discount;
    }
    if (i % 5 === 0) it.price = it.price + 1;
    if (i % 7 === 0) (it as unknown as { qty: string }).qty = String(it.qty);
    if (i % 9 === 0) it.tags.push('delta');
  });
  doc.total = doc.items.length + 1;
  return doc;
}

export function record(role: 'primary' | 'shadow', body: string): TapRecord {
  const bytes = Buffer.from(body, 'utf8');
  return {
    v: 1,
    traceId: 'bench',
    role,
    service: 'bench',
    tapId: 'bench',
    capturedAt: 0,
    durationMs: 3,
    request: {
      method: 'GET',
      url: '/catalogue/42?page=1',
      headers: {},
      body: new Uint8Array(0),
      bodySize: 0,
      bodyTruncated: false,
    },
    response: {
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8', date: 'x' },
      body: bytes,
      bodySize: bytes.length,
      bodyTruncated: false,
    },
  };
}
