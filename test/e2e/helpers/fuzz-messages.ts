import { gzipSync } from 'node:zlib';
import { decodeTapRecord, encodeTapRecord } from '@shadowdiff/contracts';
import type { Role } from '@shadowdiff/contracts';
import { jsonTapRecord } from '@shadowdiff/testkit';

/** A seeded PRNG (mulberry32): the same seed gives the same messages. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FuzzMessage {
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** A bad message and the DLQ code the worker must give it. */
export interface BadMessage extends FuzzMessage {
  kind: string;
  code: string;
  /** Big enough that it goes out in a send of its own. */
  large: boolean;
}

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const int = (r: () => number, n: number) => Math.floor(r() * n);
const hex = (r: () => number, n: number) =>
  Array.from({ length: n }, () => '0123456789abcdef'[int(r, 16)]).join('');
const bytes = (r: () => number, n: number) =>
  Buffer.from(Array.from({ length: n }, () => int(r, 256)));

/** A frame around arbitrary header bytes: magic, version 1, flags, length, header, bodies. */
export function frame(header: Buffer | string, body: Buffer = Buffer.alloc(0)): Buffer {
  const h = typeof header === 'string' ? Buffer.from(header) : header;
  const prelude = Buffer.from([0x53, 0x44, 1, 0, 0, 0, 0, 0]);
  prelude.writeUInt32BE(h.length, 4);
  return Buffer.concat([prelude, h, body]);
}

const nested = (depth: number, leaf: string) => '['.repeat(depth) + leaf + ']'.repeat(depth);
const goodFrame = (r: () => number) =>
  encodeTapRecord(
    jsonTapRecord(hex(r, 32), pick(r, ['primary', 'shadow'] as const), { n: int(r, 1e6) }),
  );

type Maker = (r: () => number) => { kind: string; value: Buffer | null; large?: boolean };

/** Kinds of bad messages, by weight. Every one of them is certainly undecodable (checked). */
const BAD: [number, Maker][] = [
  [
    20,
    (r) => ({
      kind: 'garbage',
      value: Buffer.concat([Buffer.from([int(r, 0x53)]), bytes(r, int(r, 2000))]),
    }),
  ],
  [4, () => ({ kind: 'empty-value', value: Buffer.alloc(0) })],
  [4, () => ({ kind: 'null-value', value: null })],
  [
    16,
    (r) => {
      const f = goodFrame(r);
      return { kind: 'truncated', value: f.subarray(0, int(r, f.length)) };
    },
  ],
  [
    8,
    (r) => {
      const f = goodFrame(r);
      f[2] = 2 + int(r, 250);
      return { kind: 'frame-version', value: f };
    },
  ],
  [
    8,
    (r) => ({
      kind: 'schema-version',
      value: frame(JSON.stringify({ v: 2 + int(r, 8), traceId: hex(r, 32), role: 'primary' })),
    }),
  ],
  [
    8,
    (r) => {
      const f = goodFrame(r);
      f[8 + int(r, f.readUInt32BE(4))] = pick(r, [0xff, 0xfe, 0xc0, 0x80]);
      return { kind: 'invalid-utf8-header', value: f };
    },
  ],
  [
    14,
    (r) => {
      const f = Buffer.from(goodFrame(r));
      for (let i = 1 + int(r, 5); i > 0; i--) f[int(r, f.length)] = int(r, 256);
      return { kind: 'mutated', value: f };
    },
  ],
  [
    6,
    (r) => ({
      kind: 'length-mismatch',
      value: Buffer.concat([goodFrame(r), bytes(r, 1 + int(r, 50))]),
    }),
  ],
  [
    6,
    (r) => ({
      kind: 'schema',
      value: frame(
        JSON.stringify(
          pick(r, [null, 42, 'x', [], { v: 1 }, { v: 1, traceId: 7, role: 'primary' }]),
        ),
      ),
    }),
  ],
  [2, () => ({ kind: 'deep-json-header', value: frame(nested(100_000, '1')) })],
  [2, (r) => ({ kind: 'frame-no-header', value: frame(bytes(r, int(r, 40))) })],
];
const BAD_TOTAL = BAD.reduce((s, [w]) => s + w, 0);

/** Headers over the decoder's 1 MiB limit: compressible, so they pass the broker gzip-compressed. */
const HUGE: Maker[] = [
  () => ({
    kind: 'huge-header',
    value: frame(`{"v":1,"pad":"${'a'.repeat(2 * 1024 * 1024)}"}`),
    large: true,
  }),
  () => ({
    kind: 'header-200k-keys',
    value: frame(
      JSON.stringify({
        v: 1,
        meta: Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`k${i}`, ''])),
      }),
    ),
    large: true,
  }),
];

/** One bad message; `huge` picks a >1 MiB header. The code is what the decoder says (never ok). */
export function badMessage(r: () => number, id: number, huge: boolean): BadMessage {
  let made: ReturnType<Maker> | undefined;
  let code: string | undefined;
  for (let attempt = 0; code === undefined; attempt++) {
    if (huge) made = pick(r, HUGE)(r);
    else {
      let w = r() * BAD_TOTAL;
      const entry = BAD.find(([weight]) => (w -= weight) < 0) ?? BAD[0]!;
      made = entry[1](r);
    }
    const decoded = decodeTapRecord(made.value);
    // A mutation that happened to keep the frame valid is not a bad message: draw again.
    if (!decoded.ok) code = decoded.error.code;
    else if (attempt > 20) throw new Error(`${made.kind} keeps decoding`);
  }
  const key = pick(r, [null, '', hex(r, 32), 'k'.repeat(int(r, 300))]);
  return {
    kind: made!.kind,
    code,
    key,
    value: made!.value,
    headers: { 'fuzz-id': `b${id}`, 'fuzz-kind': made!.kind },
    large: made!.large === true,
  };
}

const bomb = (fill: number) => gzipSync(Buffer.alloc(64 * 1024 * 1024, fill), { level: 9 });
let bombs: [Buffer, Buffer] | undefined;
let wideDocs: [Buffer, Buffer] | undefined;

interface Body {
  body: Buffer;
  headers?: Record<string, string>;
}

/** Hostile bodies inside valid frames: each pair must still be judged. */
const HOSTILE: [string, (r: () => number, side: 0 | 1) => Body][] = [
  [
    'fake-gzip',
    (_r, s) => ({ body: Buffer.from(`{"a":${s}}`), headers: { 'content-encoding': 'gzip' } }),
  ],
  [
    'gzip-bomb',
    (_r, s) => ({
      body: (bombs ??= [bomb(0), bomb(0x20)])[s],
      headers: { 'content-encoding': 'gzip' },
    }),
  ],
  [
    'stacked-codings',
    (_r, s) => ({
      body: Buffer.from(`{"a":${s}}`),
      headers: { 'content-encoding': 'gzip, gzip, gzip, gzip, gzip' },
    }),
  ],
  [
    'deep-json',
    (_r, s) => ({
      body: gzipSync(nested(100_000, String(s))),
      headers: { 'content-encoding': 'gzip' },
    }),
  ],
  [
    'big-json',
    (_r, s) => ({
      body: gzipSync(`{"a":"${'x'.repeat(4 * 1024 * 1024 + s)}"}`),
      headers: { 'content-encoding': 'gzip' },
    }),
  ],
  [
    'invalid-utf8-body',
    (r) => ({ body: Buffer.concat([Buffer.from('{"a":"'), bytes(r, 64), Buffer.from('"}')]) }),
  ],
  ['binary-body', (r) => ({ body: bytes(r, int(r, 4000)) })],
  ['empty-body', (_r, s) => ({ body: Buffer.from(s === 0 ? '' : '{"a":1}') })],
];
const wide = (x: number) =>
  gzipSync(
    JSON.stringify(
      Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`k${i}`, i === 7 ? x : i])),
    ),
  );

/** Both halves of good pair `i`: mostly plain JSON, a share with a hostile body kind. */
export function goodPair(
  r: () => number,
  i: number,
  kind: string,
): { traceId: string; kind: string; messages: FuzzMessage[] } {
  const traceId = hex(r, 32);
  const key = i % 50 === 0 ? '' : traceId;
  const bodyOf = (side: 0 | 1): Body => {
    if (kind === 'wide-200k-keys') {
      return {
        body: (wideDocs ??= [wide(1), wide(2)])[side],
        headers: { 'content-encoding': 'gzip' },
      };
    }
    const hostile = HOSTILE.find(([k]) => k === kind);
    if (hostile) return hostile[1](r, side);
    return {
      body: Buffer.from(JSON.stringify({ id: i, total: side === 1 && i % 5 === 0 ? 11 : 10 })),
    };
  };
  const messages = (['primary', 'shadow'] as Role[]).map((role, side) => {
    const { body, headers } = bodyOf(side as 0 | 1);
    const record = jsonTapRecord(traceId, role, body, { url: `/orders/${i}` });
    Object.assign(record.response.headers, headers);
    return {
      key,
      value: encodeTapRecord(record),
      headers: { 'fuzz-id': `g${i}`, 'fuzz-kind': kind },
    };
  });
  return { traceId, kind, messages };
}

/** Names of the hostile body kinds (for the plan), plus the rare 200k-key documents. */
export const HOSTILE_KINDS = HOSTILE.map(([k]) => k);
