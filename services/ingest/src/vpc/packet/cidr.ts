import { parseAddress } from './build-datagram.js';

export interface Cidr {
  text: string;
  network: Uint8Array;
  prefix: number;
}

/** `10.0.1.0/24`, `fd00::/64`, or a bare address (a /32 or /128). Throws on anything else. */
export function parseCidr(text: string): Cidr {
  const [addr = '', bits] = text.trim().split('/');
  const network = parseAddress(addr);
  const max = network.length * 8;
  const prefix = bits === undefined ? max : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) {
    throw new Error(`bad prefix length in "${text}"`);
  }
  return { text, network, prefix };
}

/** Whether `addr` (4 or 16 bytes) lies in `cidr`; families never match each other. */
export function cidrContains(cidr: Cidr, addr: Uint8Array): boolean {
  if (addr.length !== cidr.network.length) return false;
  let bits = cidr.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((addr[i]! & mask) !== (cidr.network[i]! & mask)) return false;
  }
  return true;
}
