import { describe, expect, it } from 'vitest';
import { buildDatagram, parseAddress } from './build-datagram.js';
import { cidrContains, parseCidr } from './cidr.js';
import { decodeDatagram, formatAddress, TCP_FLAGS } from './decode-datagram.js';

const payload = Buffer.from('GET / HTTP/1.1\r\n\r\n', 'latin1');
const base = {
  src: '10.1.2.3',
  dst: '10.1.2.4',
  srcPort: 40_001,
  dstPort: 8080,
  seq: 0xfffffff0,
  ack: 7,
};

function ok(d: Uint8Array) {
  const r = decodeDatagram(d);
  if (!r.ok) throw new Error(r.reason);
  return r.segment;
}

describe('decodeDatagram', () => {
  it('reads VNI, IPv4 addresses, ports, sequence numbers, flags and payload', () => {
    const s = ok(buildDatagram({ ...base, vni: 0xabcdef, flags: TCP_FLAGS.psh | 16, payload }));
    expect(s.vni).toBe(0xabcdef);
    expect(formatAddress(s.srcAddr)).toBe('10.1.2.3');
    expect(formatAddress(s.dstAddr)).toBe('10.1.2.4');
    expect(s).toMatchObject({ srcPort: 40_001, dstPort: 8080, seq: 0xfffffff0, ack: 7 });
    expect(s.flags).toBe(0x18);
    expect(Buffer.from(s.payload).equals(payload)).toBe(true);
    expect(s.wireLength).toBe(payload.length);
  });

  it('reads IPv6 and 802.1Q-tagged frames', () => {
    const v6 = ok(buildDatagram({ ...base, src: 'fd00::1', dst: 'fd00::2', payload }));
    expect(formatAddress(v6.srcAddr)).toBe('fd00:0:0:0:0:0:0:1');
    expect(v6.payload).toHaveLength(payload.length);
    const tagged = ok(buildDatagram({ ...base, vlan: 42, payload }));
    expect(tagged.dstPort).toBe(8080);
    expect(tagged.payload).toHaveLength(payload.length);
  });

  it('skips IPv6 extension headers before TCP', () => {
    const d = buildDatagram({ ...base, src: 'fd00::1', dst: 'fd00::2', payload });
    // Insert an 8-byte hop-by-hop header: next header = TCP, length 0 (8 bytes).
    const ip = 8 + 14;
    const out = new Uint8Array(d.length + 8);
    out.set(d.subarray(0, ip + 40));
    out[ip + 6] = 0;
    out.set([6, 0, 1, 4, 0, 0, 0, 0], ip + 40);
    out.set(d.subarray(ip + 40), ip + 48);
    new DataView(out.buffer).setUint16(ip + 4, d.length - ip - 40 + 8);
    expect(Buffer.from(ok(out).payload).equals(payload)).toBe(true);
  });

  it('keeps what packet_length left and says how long the payload was', () => {
    const s = ok(buildDatagram({ ...base, payload, packetLength: 14 + 20 + 20 + 5 }));
    expect(s.payload).toHaveLength(5);
    expect(s.wireLength).toBe(payload.length);
  });

  it('ignores Ethernet padding after a short IPv4 packet', () => {
    const d = buildDatagram({ ...base, flags: TCP_FLAGS.ack });
    const padded = new Uint8Array(d.length + 6);
    padded.set(d);
    const s = ok(padded);
    expect(s.payload).toHaveLength(0);
    expect(s.wireLength).toBe(0);
  });

  it('names why a datagram is not a TCP segment', () => {
    const d = buildDatagram({ ...base, payload });
    const reason = (b: Uint8Array) => {
      const r = decodeDatagram(b);
      return r.ok ? 'ok' : r.reason;
    };
    expect(reason(new Uint8Array(3))).toBe('not-vxlan');
    const noFlag = d.slice();
    noFlag[0] = 0;
    expect(reason(noFlag)).toBe('not-vxlan');
    const arp = d.slice();
    arp[20] = 0x08;
    arp[21] = 0x06;
    expect(reason(arp)).toBe('not-ip');
    const udp = d.slice();
    udp[22 + 9] = 17;
    expect(reason(udp)).toBe('not-tcp');
    const fragment = d.slice();
    fragment[22 + 6] = 0x20; // more fragments
    expect(reason(fragment)).toBe('ip-fragment');
    expect(reason(d.subarray(0, 22 + 20 + 10))).toBe('truncated-header');
    const badIhl = d.slice();
    badIhl[22] = 0x43;
    expect(reason(badIhl)).toBe('malformed');
    const badOffset = d.slice();
    badOffset[22 + 20 + 12] = 0x20; // data offset 8 bytes
    expect(reason(badOffset)).toBe('malformed');
  });
});

describe('cidr', () => {
  it('matches addresses by prefix, per family', () => {
    expect(cidrContains(parseCidr('10.1.0.0/16'), parseAddress('10.1.200.3'))).toBe(true);
    expect(cidrContains(parseCidr('10.1.0.0/16'), parseAddress('10.2.0.1'))).toBe(false);
    expect(cidrContains(parseCidr('10.1.2.3'), parseAddress('10.1.2.3'))).toBe(true);
    expect(cidrContains(parseCidr('10.1.2.0/23'), parseAddress('10.1.3.9'))).toBe(true);
    expect(cidrContains(parseCidr('fd00::/8'), parseAddress('fd12::1'))).toBe(true);
    expect(cidrContains(parseCidr('fd00::/8'), parseAddress('10.0.0.1'))).toBe(false);
    expect(cidrContains(parseCidr('0.0.0.0/0'), parseAddress('1.2.3.4'))).toBe(true);
    expect(() => parseCidr('10.0.0.0/33')).toThrow(/prefix/);
    expect(() => parseCidr('nope')).toThrow();
  });
});
