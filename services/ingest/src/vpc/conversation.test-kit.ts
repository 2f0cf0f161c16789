import { buildDatagram } from './packet/build-datagram.js';
import type { SegmentSpec } from './packet/build-datagram.js';
import { TCP_FLAGS } from './packet/decode-datagram.js';

export interface ConversationOptions {
  client?: string;
  server?: string;
  clientPort?: number;
  serverPort?: number;
  vni?: number;
  clientIsn?: number;
  serverIsn?: number;
  mss?: number;
  vlan?: number;
  packetLength?: number;
}

type Side = 'client' | 'server';

/**
 * One TCP connection as the mirror would copy it, segment by segment, with sequence numbers kept
 * like a real stack's: tests reorder, duplicate or drop the datagrams it returns.
 */
export class Conversation {
  private readonly seq: Record<Side, number>;
  private readonly o: Required<Omit<ConversationOptions, 'vlan' | 'packetLength'>> &
    ConversationOptions;

  constructor(options: ConversationOptions = {}) {
    this.o = {
      client: '10.0.0.1',
      server: '10.0.0.2',
      clientPort: 40_000,
      serverPort: 8080,
      vni: 7,
      clientIsn: 1000,
      serverIsn: 5000,
      mss: 1460,
      ...options,
    };
    this.seq = { client: this.o.clientIsn, server: this.o.serverIsn };
  }

  private spec(from: Side, flags: number, payload?: Uint8Array): SegmentSpec {
    const client = from === 'client';
    const other: Side = client ? 'server' : 'client';
    return {
      vni: this.o.vni,
      src: client ? this.o.client : this.o.server,
      dst: client ? this.o.server : this.o.client,
      srcPort: client ? this.o.clientPort : this.o.serverPort,
      dstPort: client ? this.o.serverPort : this.o.clientPort,
      seq: this.seq[from],
      ack: this.seq[other],
      flags,
      ...(payload !== undefined ? { payload } : {}),
      ...(this.o.vlan !== undefined ? { vlan: this.o.vlan } : {}),
      ...(this.o.packetLength !== undefined ? { packetLength: this.o.packetLength } : {}),
    };
  }

  handshake(): Uint8Array[] {
    const syn = buildDatagram(this.spec('client', TCP_FLAGS.syn));
    this.seq.client = (this.seq.client + 1) >>> 0;
    const synAck = buildDatagram(this.spec('server', TCP_FLAGS.syn | TCP_FLAGS.ack));
    this.seq.server = (this.seq.server + 1) >>> 0;
    const ack = buildDatagram(this.spec('client', TCP_FLAGS.ack));
    return [syn, synAck, ack];
  }

  /** Data segments of at most `mss` bytes carrying `text` (latin1) or bytes. */
  send(from: Side, data: string | Uint8Array): Uint8Array[] {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    const out: Uint8Array[] = [];
    for (let at = 0; at < bytes.length; at += this.o.mss) {
      const part = bytes.subarray(at, Math.min(bytes.length, at + this.o.mss));
      out.push(buildDatagram(this.spec(from, TCP_FLAGS.ack | TCP_FLAGS.psh, part)));
      this.seq[from] = (this.seq[from] + part.length) >>> 0;
    }
    return out;
  }

  fin(from: Side): Uint8Array {
    const d = buildDatagram(this.spec(from, TCP_FLAGS.fin | TCP_FLAGS.ack));
    this.seq[from] = (this.seq[from] + 1) >>> 0;
    return d;
  }

  rst(from: Side): Uint8Array {
    return buildDatagram(this.spec(from, TCP_FLAGS.rst));
  }

  /** Handshake, each request answered in turn, then FIN from both sides. */
  exchanges(pairs: Array<[string | Uint8Array, string | Uint8Array]>): Uint8Array[] {
    const out = this.handshake();
    for (const [request, response] of pairs) {
      out.push(...this.send('client', request), ...this.send('server', response));
    }
    out.push(this.fin('client'), this.fin('server'));
    return out;
  }
}

/** A deterministic PRNG (mulberry32) so shuffles and fuzz runs repeat. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
