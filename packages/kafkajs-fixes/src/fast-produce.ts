import { createRequire } from 'node:module';
import { crc32c } from './crc32c.js';

/** A message as kafkajs's producer hands it to the Produce request (after partitioning). */
export interface ProduceMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
  timestamp?: string | number;
}

export interface ProducePartitionData {
  partition: number;
  firstSequence?: number;
  messages: ProduceMessage[];
}

export interface ProduceTopicData {
  topic: string;
  partitions: ProducePartitionData[];
}

/** The arguments of kafkajs's Produce request builders, v3 and later. */
export interface ProduceRequestArgs {
  acks: number;
  timeout: number;
  compression?: number;
  topicData: ProduceTopicData[];
  transactionalId?: string | null;
  /**
   * -1 when not idempotent. The producer passes the id as kafkajs's InitProducerId response decoded
   * it (a decimal string); kafkajs's default is a Long (`{ value: bigint }`).
   */
  producerId?: { value: bigint } | bigint | number | string;
  producerEpoch?: number;
}

/** What a codec needs: kafkajs's codecs read `encoder.buffer`. */
export type Compress = (type: number, records: Buffer) => Promise<Buffer>;

const BATCH_HEADER = 61;
const MAGIC = 2;
const TRANSACTIONAL = 0x10;
const CODEC_MASK = 0x07;

/**
 * Encodes the body of a Produce request, v3 and later (they share it): every partition's messages
 * as one v2 record batch (magic 2), written once into buffers sized in advance, CRC-32C sliced by
 * 8, the record section compressed with `compress` when `compression` is not 0. Byte for byte what
 * kafkajs 2.2.4 writes, but for timestamps: the batch's first/max timestamps are the true minimum
 * and maximum of the records' timestamps (kafkajs sorts them as strings).
 */
export async function encodeProduceRequest(
  args: ProduceRequestArgs,
  compress: Compress,
  now: number = Date.now(),
): Promise<Buffer> {
  const compression = args.compression ?? 0;
  const transactionalId = args.transactionalId ?? null;
  const producerId = toBigInt(args.producerId ?? -1);
  const producerEpoch = args.producerEpoch ?? 0;

  let size = 2 + (transactionalId === null ? 0 : Buffer.byteLength(transactionalId)) + 2 + 4 + 4;
  const topics: { name: string; batches: { partition: number; batch: Buffer }[] }[] = [];
  for (const data of args.topicData) {
    const batches: { partition: number; batch: Buffer }[] = [];
    size += 2 + Buffer.byteLength(data.topic) + 4;
    for (const p of data.partitions) {
      const batch = await recordBatch(p, {
        compression,
        compress,
        transactional: transactionalId !== null,
        producerId,
        producerEpoch,
        now,
      });
      batches.push({ partition: p.partition, batch });
      size += 4 + 4 + batch.length;
    }
    topics.push({ name: data.topic, batches });
  }

  const out = Buffer.allocUnsafe(size);
  let o = 0;
  o = writeNullableString(out, o, transactionalId);
  o = out.writeInt16BE(args.acks, o);
  o = out.writeInt32BE(args.timeout, o);
  o = out.writeInt32BE(topics.length, o);
  for (const t of topics) {
    o = writeNullableString(out, o, t.name);
    o = out.writeInt32BE(t.batches.length, o);
    for (const b of t.batches) {
      o = out.writeInt32BE(b.partition, o);
      o = out.writeInt32BE(b.batch.length, o);
      out.set(b.batch, o);
      o += b.batch.length;
    }
  }
  return out;
}

/** The idle scratch buffer for records on their way to the codec (grow-only, at most one). */
let spare: Buffer | undefined;
const MAX_SCRATCH = 16 * 1024 * 1024;

function takeScratch(size: number): Buffer | undefined {
  if (size > MAX_SCRATCH) return undefined;
  const s =
    spare !== undefined && spare.length >= size
      ? spare
      : Buffer.allocUnsafeSlow(batchBufferSize(size));
  spare = undefined;
  return s;
}

/**
 * The size to allocate for a buffer reused batch after batch: `size` rounded up to a power of two
 * (at least 64 KiB), so a growing batch size reallocates rarely.
 */
export function batchBufferSize(size: number): number {
  let n = 64 * 1024;
  while (n < size) n *= 2;
  return n;
}

interface BatchOptions {
  compression: number;
  compress: Compress;
  transactional: boolean;
  producerId: bigint;
  producerEpoch: number;
  now: number;
}

async function recordBatch(p: ProducePartitionData, b: BatchOptions): Promise<Buffer> {
  const messages = p.messages;
  const n = messages.length;
  // A record without a timestamp gets `now`; the batch's first timestamp is the earliest given one
  // (or `now` when none is), its max the latest of all.
  const stamps = new Array<number>(n);
  let first = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const ts = (messages[i] as ProduceMessage).timestamp;
    const given = ts != null && ts !== '' && ts !== 0;
    const t = given ? Number(ts) : b.now;
    stamps[i] = t;
    if (given && t < first) first = t;
    if (t > max) max = t;
  }
  if (first === Infinity) first = b.now;
  if (max === -Infinity) max = b.now; // no records

  // Sizes first, so every record is written once into a buffer of the right size.
  const bodies = new Array<number>(n);
  let recordsSize = 0;
  for (let i = 0; i < n; i++) {
    const m = messages[i] as ProduceMessage;
    const body =
      1 +
      sizeOfVarLong((stamps[i] as number) - first) +
      sizeOfVarInt(i) +
      sizeOfBytes(m.key ?? null) +
      sizeOfBytes(m.value) +
      sizeOfHeaders(m.headers);
    bodies[i] = body;
    recordsSize += sizeOfVarInt(body) + body;
  }

  // Uncompressed, the records are written in place after the batch header; compressed, into a
  // buffer of their own that the codec reads.
  const codec = b.compression & CODEC_MASK;
  const at = codec === 0 ? BATCH_HEADER : 0;
  // The codec's input lives only until its promise settles: reuse one scratch buffer for it rather
  // than allocating a batch-sized buffer per request (large short-lived buffers are what kept the
  // tap's publisher thread in the garbage collector). A concurrent batch gets a buffer of its own.
  const scratch = codec !== 0 ? takeScratch(recordsSize) : undefined;
  const r = scratch ?? Buffer.allocUnsafe(at + recordsSize);
  let o = at;
  for (let i = 0; i < n; i++) {
    const m = messages[i] as ProduceMessage;
    o = writeVarInt(r, o, bodies[i] as number);
    r[o++] = 0; // record attributes
    o = writeVarLong(r, o, (stamps[i] as number) - first);
    o = writeVarInt(r, o, i);
    o = writeBytes(r, o, m.key ?? null);
    o = writeBytes(r, o, m.value);
    o = writeHeaders(r, o, m.headers);
  }
  let batch = r;
  if (codec !== 0) {
    let compressed: Buffer;
    try {
      compressed = await b.compress(b.compression, r.subarray(0, recordsSize));
    } finally {
      if (scratch) spare = scratch;
    }
    batch = Buffer.allocUnsafe(BATCH_HEADER + compressed.length);
    batch.set(compressed, BATCH_HEADER);
  }

  let h = 0;
  h = batch.writeBigInt64BE(0n, h); // first offset
  h = batch.writeInt32BE(batch.length - 12, h); // length, from the leader epoch on
  h = batch.writeInt32BE(0, h); // partition leader epoch
  h = batch.writeInt8(MAGIC, h);
  const crcAt = h;
  h += 4;
  h = batch.writeInt16BE(codec | (b.transactional ? TRANSACTIONAL : 0), h);
  h = batch.writeInt32BE(n - 1, h); // last offset delta
  h = batch.writeBigInt64BE(BigInt(first), h);
  h = batch.writeBigInt64BE(BigInt(max), h);
  h = batch.writeBigInt64BE(b.producerId, h);
  h = batch.writeInt16BE(b.producerEpoch, h);
  h = batch.writeInt32BE(p.firstSequence ?? 0, h);
  batch.writeInt32BE(n, h);
  batch.writeUInt32BE(crc32c(batch, crcAt + 4), crcAt);
  return batch;
}

function toBigInt(v: NonNullable<ProduceRequestArgs['producerId']>): bigint {
  return BigInt(typeof v === 'object' ? v.value : v);
}

function writeNullableString(out: Buffer, o: number, s: string | null): number {
  if (s === null) return out.writeInt16BE(-1, o);
  const len = out.write(s, o + 2, 'utf8');
  out.writeInt16BE(len, o);
  return o + 2 + len;
}

function sizeOfVarInt(value: number): number {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  let bytes = 1;
  while (v >= 0x80) {
    bytes++;
    v >>>= 7;
  }
  return bytes;
}

function writeVarInt(out: Buffer, o: number, value: number): number {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  while (v >= 0x80) {
    out[o++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  out[o++] = v;
  return o;
}

/** Zigzag of a safe integer, as a (non-negative) double: exact below 2^52. */
const zigzag64 = (value: number): number => (value >= 0 ? value * 2 : -value * 2 - 1);

function sizeOfVarLong(value: number): number {
  let v = zigzag64(value);
  let bytes = 1;
  while (v >= 0x80) {
    bytes++;
    v = Math.floor(v / 0x80);
  }
  return bytes;
}

function writeVarLong(out: Buffer, o: number, value: number): number {
  let v = zigzag64(value);
  while (v >= 0x80) {
    out[o++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  out[o++] = v;
  return o;
}

const byteLength = (v: Buffer | string): number =>
  typeof v === 'string' ? Buffer.byteLength(v) : v.length;

function sizeOfBytes(v: Buffer | string | null): number {
  if (v === null) return 1;
  const len = byteLength(v);
  return sizeOfVarInt(len) + len;
}

function writeBytes(out: Buffer, o: number, v: Buffer | string | null): number {
  if (v === null) return writeVarInt(out, o, -1);
  const len = byteLength(v);
  o = writeVarInt(out, o, len);
  if (typeof v === 'string') out.write(v, o, 'utf8');
  else out.set(v, o);
  return o + len;
}

type Headers = ProduceMessage['headers'];

function eachHeader(headers: Headers, f: (key: string, value: Buffer | string | null) => void) {
  if (headers === undefined) return;
  for (const key of Object.keys(headers)) {
    const value = headers[key];
    if (Array.isArray(value)) for (const v of value) f(key, v);
    else f(key, value ?? null);
  }
}

function sizeOfHeaders(headers: Headers): number {
  if (headers === undefined) return 1;
  let count = 0;
  let size = 0;
  eachHeader(headers, (key, value) => {
    count++;
    size += sizeOfBytes(key) + sizeOfBytes(value);
  });
  return sizeOfVarInt(count) + size;
}

function writeHeaders(out: Buffer, o: number, headers: Headers): number {
  if (headers === undefined) return writeVarInt(out, o, 0);
  let count = 0;
  eachHeader(headers, () => count++);
  o = writeVarInt(out, o, count);
  eachHeader(headers, (key, value) => {
    o = writeBytes(out, o, key);
    o = writeBytes(out, o, value);
  });
  return o;
}

interface KafkajsEncoder {
  buf: Buffer;
  offset: number;
}

interface ProduceModule {
  protocol: ((args: { version: number }) => unknown) & { [PATCHED]?: true };
}

interface BuiltRequest {
  request: { apiVersion: number; encode: () => Promise<unknown> };
}

const PATCHED = Symbol.for('shadowdiff.kafkajs.fastProduce');

/**
 * kafkajs 2.2.4 builds a Produce request out of an Encoder per record, per batch, per partition and
 * per topic, each copying what the last one wrote into a buffer it grows by doubling, and
 * checksums batches a byte at a time: ~60-90 µs of CPU per 2 KB record on the development VM, more
 * than the HTTP hop the tap adds. This swaps the `encode` of Produce v3+ requests for
 * {@link encodeProduceRequest}; connection handling, partitioning, idempotent sequence numbers,
 * retries and the response stay kafkajs's. Applied once per process.
 */
export function useFastProduceEncoder(): void {
  const require = createRequire(import.meta.url);
  const produce = require('kafkajs/src/protocol/requests/produce/index.js') as ProduceModule;
  if (produce.protocol[PATCHED] === true) return;
  const Encoder = require('kafkajs/src/protocol/encoder.js') as new (
    size?: number,
  ) => KafkajsEncoder;
  const { lookupCodec } = require('kafkajs/src/protocol/message/compression/index.js') as {
    lookupCodec: (
      type: number,
    ) => { compress(encoder: { buffer: Buffer }): Promise<Buffer> } | null;
  };
  const compress: Compress = async (type, records) => {
    const codec = lookupCodec(type);
    if (codec === null) throw new Error(`kafkajs: no codec for compression type ${type}`);
    return codec.compress({ buffer: records });
  };
  const original = produce.protocol;
  const protocol = ({ version }: { version: number }): unknown => {
    const build = original({ version }) as (args: ProduceRequestArgs) => BuiltRequest;
    if (version < 3 || typeof build !== 'function') return build;
    return (args: ProduceRequestArgs): BuiltRequest => {
      const built = build(args);
      built.request.encode = async () => {
        const body = await encodeProduceRequest(args, compress);
        const encoder = new Encoder(1);
        encoder.buf = body;
        encoder.offset = body.length;
        return encoder;
      };
      return built;
    };
  };
  protocol[PATCHED] = true as const;
  produce.protocol = protocol;
}
