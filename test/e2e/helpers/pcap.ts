import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';

/**
 * A minimal pcap (libpcap 2.4, Ethernet link type) of VXLAN datagrams: each record carries made-up
 * outer Ethernet/IPv4/UDP headers (port 4789) around the datagram, so Wireshark decodes the file
 * as the mirror traffic it is; `readVxlanPcap` strips them again.
 */
const OUTER = 14 + 20 + 8;

export function pcapWriter(path: string): {
  write(datagram: Uint8Array, atMs: number): void;
  close(): void;
} {
  const fd = openSync(path, 'w');
  const global = Buffer.alloc(24);
  global.writeUInt32LE(0xa1b2c3d4, 0);
  global.writeUInt16LE(2, 4);
  global.writeUInt16LE(4, 6);
  global.writeUInt32LE(65_535, 16);
  global.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
  writeSync(fd, global);
  return {
    write(datagram, atMs) {
      const frame = Buffer.alloc(OUTER + datagram.length);
      frame.writeUInt16BE(0x0800, 12);
      frame[14] = 0x45;
      frame.writeUInt16BE(20 + 8 + datagram.length, 16);
      frame[22] = 64;
      frame[23] = 17;
      frame.set([10, 231, 2, 1, 10, 231, 2, 2], 26);
      frame.writeUInt16BE(4789, 34);
      frame.writeUInt16BE(4789, 36);
      frame.writeUInt16BE(8 + datagram.length, 38);
      frame.set(datagram, OUTER);
      const header = Buffer.alloc(16);
      header.writeUInt32LE(Math.floor(atMs / 1000), 0);
      header.writeUInt32LE(Math.floor((atMs % 1000) * 1000), 4);
      header.writeUInt32LE(frame.length, 8);
      header.writeUInt32LE(frame.length, 12);
      writeSync(fd, header);
      writeSync(fd, frame);
    },
    close: () => closeSync(fd),
  };
}

/** The VXLAN datagrams of a file `pcapWriter` made, in order. */
export function readVxlanPcap(path: string): Uint8Array[] {
  const b = readFileSync(path);
  if (b.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error(`${path}: not a little-endian pcap`);
  const out: Uint8Array[] = [];
  for (let at = 24; at + 16 <= b.length;) {
    const length = b.readUInt32LE(at + 8);
    out.push(b.subarray(at + 16 + OUTER, at + 16 + length));
    at += 16 + length;
  }
  return out;
}
