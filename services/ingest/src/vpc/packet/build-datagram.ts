/**
 * Builds VXLAN datagrams the way AWS Traffic Mirroring sends them: the inverse of
 * `decodeDatagram`, used by tests, the fuzzer, the bench and the capture-file generator. Checksums
 * are left zero: the ingest never verifies them (the mirror copies what the ENI saw).
 */

export interface SegmentSpec {
  vni?: number;
  /** `10.0.0.1` or a full / `::`-compressed IPv6 address; both ends the same family. */
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack?: number;
  /** Bitwise OR of `TCP_FLAGS`. Default ACK. */
  flags?: number;
  payload?: Uint8Array;
  /** 802.1Q tag to insert. */
  vlan?: number;
  /** Keep this many bytes after the VXLAN header, as the mirror session's `PacketLength` does. */
  packetLength?: number;
}

/** Address bytes of an IPv4 or IPv6 literal. */
export function parseAddress(text: string): Uint8Array {
  if (!text.includes(':')) {
    const parts = text.split('.').map(Number);
    if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
      throw new Error(`not an IPv4 address: ${text}`);
    }
    return Uint8Array.from(parts);
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) {
    throw new Error(`not an IPv6 address: ${text}`);
  }
  const groups = [...left, ...Array<string>(missing).fill('0'), ...right];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const value = Number.parseInt(g, 16);
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw new Error(`not an IPv6 address: ${text}`);
    out[i * 2] = value >> 8;
    out[i * 2 + 1] = value & 0xff;
  });
  return out;
}

/** One mirrored TCP segment as a VXLAN datagram. */
export function buildDatagram(spec: SegmentSpec): Uint8Array {
  const src = parseAddress(spec.src);
  const dst = parseAddress(spec.dst);
  const payload = spec.payload ?? new Uint8Array(0);
  const v6 = src.length === 16;
  const ipHeader = v6 ? 40 : 20;
  const tcpLength = 20 + payload.length;
  const vlan = spec.vlan !== undefined ? 4 : 0;
  const eth = 14 + vlan;
  const full = new Uint8Array(8 + eth + ipHeader + tcpLength);
  const view = new DataView(full.buffer);
  // VXLAN: I flag, VNI in bytes 4..6.
  full[0] = 0x08;
  const vni = spec.vni ?? 1;
  full[4] = (vni >> 16) & 0xff;
  full[5] = (vni >> 8) & 0xff;
  full[6] = vni & 0xff;
  // Ethernet: locally administered MACs, optional 802.1Q tag.
  full.set([0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01], 8);
  let at = 20;
  if (spec.vlan !== undefined) {
    view.setUint16(at, 0x8100);
    view.setUint16(at + 2, spec.vlan & 0x0fff);
    at += 4;
  }
  view.setUint16(at, v6 ? 0x86dd : 0x0800);
  at += 2;
  if (v6) {
    full[at] = 0x60;
    view.setUint16(at + 4, tcpLength);
    full[at + 6] = 6;
    full[at + 7] = 64;
    full.set(src, at + 8);
    full.set(dst, at + 24);
  } else {
    full[at] = 0x45;
    view.setUint16(at + 2, 20 + tcpLength);
    view.setUint16(at + 6, 0x4000); // don't fragment
    full[at + 8] = 64;
    full[at + 9] = 6;
    full.set(src, at + 12);
    full.set(dst, at + 16);
  }
  at += ipHeader;
  view.setUint16(at, spec.srcPort);
  view.setUint16(at + 2, spec.dstPort);
  view.setUint32(at + 4, spec.seq >>> 0);
  view.setUint32(at + 8, (spec.ack ?? 0) >>> 0);
  full[at + 12] = 5 << 4;
  full[at + 13] = spec.flags ?? 0x10;
  view.setUint16(at + 14, 65535);
  full.set(payload, at + 20);
  if (spec.packetLength === undefined) return full;
  return full.subarray(0, Math.min(full.length, 8 + spec.packetLength));
}
