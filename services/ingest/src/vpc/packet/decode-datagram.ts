/**
 * Decodes one VXLAN datagram as AWS VPC Traffic Mirroring sends it (RFC 7348 header, the session's
 * VNI, then the mirrored Ethernet frame) down to its TCP segment. Pure and allocation-light: the
 * payload is a view into the datagram. Anything that is not a TCP segment is a value, never a throw,
 * so hostile input can only be counted.
 */

/** Why a datagram yields no TCP segment. */
export const DATAGRAM_SKIP_REASONS = [
  'not-vxlan',
  'not-ip',
  'not-tcp',
  'ip-fragment',
  'malformed',
  'truncated-header',
] as const;
export type DatagramSkipReason = (typeof DATAGRAM_SKIP_REASONS)[number];

export const TCP_FLAGS = { fin: 0x01, syn: 0x02, rst: 0x04, psh: 0x08, ack: 0x10 } as const;

export interface TcpSegment {
  vni: number;
  /** 4 bytes (IPv4) or 16 (IPv6). */
  srcAddr: Uint8Array;
  dstAddr: Uint8Array;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  /** Payload bytes present in the datagram (a view). */
  payload: Uint8Array;
  /** Payload length on the wire; larger than `payload.length` when the mirror cut the packet. */
  wireLength: number;
}

export type DatagramDecode =
  { ok: true; segment: TcpSegment } | { ok: false; reason: DatagramSkipReason };

const VXLAN_HEADER = 8;
const ETH_HEADER = 14;
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;
const PROTO_TCP = 6;

interface IpPayload {
  srcAddr: Uint8Array;
  dstAddr: Uint8Array;
  payload: Uint8Array;
  wireLength: number;
}

function skip(reason: DatagramSkipReason): DatagramDecode {
  return { ok: false, reason };
}

function u16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

function ipv4(b: Uint8Array, at: number): IpPayload | DatagramSkipReason {
  if (b.length - at < 20) return 'truncated-header';
  if (b[at]! >> 4 !== 4) return 'malformed';
  const ihl = (b[at]! & 0x0f) * 4;
  const total = u16(b, at + 2);
  if (ihl < 20 || total < ihl) return 'malformed';
  if (b.length - at < ihl) return 'truncated-header';
  const fragment = u16(b, at + 6);
  // More-fragments set or a non-zero offset: reassembling IP fragments is out of scope (rare for TCP).
  if ((fragment & 0x2000) !== 0 || (fragment & 0x1fff) !== 0) return 'ip-fragment';
  if (b[at + 9] !== PROTO_TCP) return 'not-tcp';
  // Ethernet pads short frames: the IP total length, not the frame, says where the packet ends.
  const end = Math.min(b.length, at + total);
  return {
    srcAddr: b.subarray(at + 12, at + 16),
    dstAddr: b.subarray(at + 16, at + 20),
    payload: b.subarray(at + ihl, end),
    wireLength: total - ihl,
  };
}

function ipv6(b: Uint8Array, at: number): IpPayload | DatagramSkipReason {
  if (b.length - at < 40) return 'truncated-header';
  if (b[at]! >> 4 !== 6) return 'malformed';
  const payloadLength = u16(b, at + 4);
  if (payloadLength === 0) return 'malformed'; // jumbogram: never on a mirrored ENI
  let next = b[at + 6]!;
  let off = at + 40;
  const end = at + 40 + payloadLength;
  // Walk the extension headers that may precede TCP.
  for (let hops = 0; next !== PROTO_TCP; hops++) {
    if (hops > 8) return 'malformed';
    if (next === 44) return 'ip-fragment';
    if (next !== 0 && next !== 43 && next !== 60 && next !== 51) return 'not-tcp';
    if (b.length - off < 8) return 'truncated-header';
    const length = next === 51 ? (b[off + 1]! + 2) * 4 : (b[off + 1]! + 1) * 8;
    next = b[off]!;
    off += length;
    if (off > end) return 'malformed';
  }
  return {
    srcAddr: b.subarray(at + 8, at + 24),
    dstAddr: b.subarray(at + 24, at + 40),
    payload: b.subarray(off, Math.min(b.length, end)),
    wireLength: end - off,
  };
}

/** Decodes a VXLAN datagram to its TCP segment, or says why there is none. */
export function decodeDatagram(datagram: Uint8Array): DatagramDecode {
  const b = datagram;
  if (b.length < VXLAN_HEADER + ETH_HEADER) return skip('not-vxlan');
  // The I flag says the VNI is valid; AWS always sets it.
  if ((b[0]! & 0x08) === 0) return skip('not-vxlan');
  const vni = (b[4]! << 16) | (b[5]! << 8) | b[6]!;
  let at = VXLAN_HEADER + 12;
  let etherType = u16(b, at);
  at += 2;
  for (let tags = 0; etherType === ETHERTYPE_VLAN || etherType === ETHERTYPE_QINQ; tags++) {
    if (tags >= 2 || b.length - at < 4) return skip('truncated-header');
    etherType = u16(b, at + 2);
    at += 4;
  }
  let ip: IpPayload | DatagramSkipReason;
  if (etherType === ETHERTYPE_IPV4) ip = ipv4(b, at);
  else if (etherType === ETHERTYPE_IPV6) ip = ipv6(b, at);
  else return skip('not-ip');
  if (typeof ip === 'string') return skip(ip);

  const t = ip.payload;
  if (ip.wireLength < 20) return skip('malformed');
  if (t.length < 20) return skip('truncated-header');
  const dataOffset = (t[12]! >> 4) * 4;
  if (dataOffset < 20 || dataOffset > ip.wireLength) return skip('malformed');
  if (t.length < dataOffset) return skip('truncated-header');
  return {
    ok: true,
    segment: {
      vni,
      srcAddr: ip.srcAddr,
      dstAddr: ip.dstAddr,
      srcPort: u16(t, 0),
      dstPort: u16(t, 2),
      seq: u32(t, 4),
      ack: u32(t, 8),
      flags: t[13]!,
      payload: t.subarray(dataOffset),
      wireLength: ip.wireLength - dataOffset,
    },
  };
}

/** `10.0.0.1` or the full (uncompressed, lower-case) IPv6 form; stable keys for flows. */
export function formatAddress(addr: Uint8Array): string {
  if (addr.length === 4) return `${addr[0]}.${addr[1]}.${addr[2]}.${addr[3]}`;
  const groups: string[] = [];
  for (let i = 0; i + 1 < addr.length; i += 2) groups.push(u16(addr, i).toString(16));
  return groups.join(':');
}
