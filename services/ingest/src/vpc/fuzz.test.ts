import { describe, expect, it } from 'vitest';
import { Conversation, prng } from './conversation.test-kit.js';
import { MirrorReassembler } from './mirror-reassembler.js';

const LIMITS = { maxFlowBytes: 16 * 1024, maxTotalBytes: 128 * 1024, maxFlows: 200 };

/** Realistic traffic to mutate: small keep-alive conversations on many ports. */
function corpus(random: () => number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < 40; i++) {
    const c = new Conversation({
      clientPort: 10_000 + i,
      mss: 200 + Math.floor(random() * 1200),
      ...(i % 3 === 0 ? { client: 'fd00::1', server: 'fd00::2' } : {}),
      ...(i % 4 === 0 ? { vlan: 5 } : {}),
    });
    const body = 'x'.repeat(Math.floor(random() * 5000));
    out.push(
      ...c.exchanges([
        [
          `POST /f/${i} HTTP/1.1\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
          `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
        ],
        ['GET / HTTP/1.1\r\n\r\n', 'HTTP/1.1 200 OK\r\n\r\nto the end'],
      ]),
    );
  }
  return out;
}

function mutate(d: Uint8Array, random: () => number): Uint8Array {
  const out = d.slice(0, random() < 0.2 ? Math.floor(random() * d.length) : d.length);
  const flips = 1 + Math.floor(random() * 4);
  for (let i = 0; i < flips && out.length > 0; i++) {
    // Bias towards the headers, where a flipped bit changes the most.
    const at = Math.floor(
      random() < 0.7 ? random() * Math.min(out.length, 90) : random() * out.length,
    );
    out[at] =
      random() < 0.5 ? out[at]! ^ (1 << Math.floor(random() * 8)) : Math.floor(random() * 256);
  }
  return out;
}

describe('MirrorReassembler fuzz', () => {
  it('survives 100k random and mutated datagrams with memory inside its caps', () => {
    const random = prng(20_261_208);
    const seeds = corpus(random);
    const r = new MirrorReassembler({ ...LIMITS, holeWaitMs: 500, idleTimeoutMs: 5_000 });
    const heapBefore = process.memoryUsage().heapUsed;
    let exchanges = 0;
    for (let i = 0; i < 100_000; i++) {
      const pick = random();
      let d: Uint8Array;
      if (pick < 0.15)
        d = Uint8Array.from({ length: Math.floor(random() * 200) }, () =>
          Math.floor(random() * 256),
        );
      else if (pick < 0.55) d = seeds[Math.floor(random() * seeds.length)]!;
      else d = mutate(seeds[Math.floor(random() * seeds.length)]!, random);
      const now = i; // 1 ms of packet time per datagram
      exchanges += r.push(d, now).length;
      if (i % 1000 === 0) exchanges += r.sweep(now).length;
      expect(r.bufferedBytes).toBeLessThanOrEqual(LIMITS.maxTotalBytes);
      expect(r.flowCount).toBeLessThanOrEqual(LIMITS.maxFlows);
      if (i % 5000 === 0) expect(r.recount()).toBe(r.bufferedBytes);
    }
    exchanges += r.close(100_000).length;
    expect(r.stats.flowsEnded['max-flows']).toBeGreaterThan(0); // the flow cap was exercised
    expect(r.stats.datagrams).toBe(100_000);
    expect(exchanges).toBeGreaterThan(0);
    expect(r.flowCount).toBe(0);
    expect(r.bufferedBytes).toBe(0);
    // Loose: the caps bound what is held; the heap only must not grow with the datagram count.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(256 * 1024 * 1024);
  }, 120_000);
});
