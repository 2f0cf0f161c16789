import { describe, expect, it } from 'vitest';
import { prng, shuffle } from '../conversation.test-kit.js';
import { TcpDirection } from './tcp-direction.js';

function setup() {
  const events: string[] = [];
  let bytes = '';
  const counters = { retransmitted: 0, outOfOrder: 0, lostBytes: 0, truncatedBytes: 0 };
  const dir = new TcpDirection(
    {
      data: (b) => {
        bytes += Buffer.from(b).toString('latin1');
        events.push(`data ${b.length}`);
      },
      gap: (n, reason) => {
        bytes += '#'.repeat(n);
        events.push(`gap ${n} ${reason}`);
      },
    },
    counters,
  );
  return { dir, counters, events, read: () => bytes };
}

const seg = (s: string) => Buffer.from(s, 'latin1');

/** Cuts `data` into segments of `size` bytes starting at sequence number `isn + 1`. */
function segments(data: string, isn: number, size: number) {
  const out: Array<{ seq: number; payload: Uint8Array }> = [];
  for (let at = 0; at < data.length; at += size) {
    out.push({ seq: (isn + 1 + at) >>> 0, payload: seg(data.slice(at, at + size)) });
  }
  return out;
}

describe('TcpDirection', () => {
  const data = 'The quick brown fox jumps over the lazy dog, twice: the quick brown fox.';

  it('delivers in-order segments at once', () => {
    const { dir, read } = setup();
    dir.syn(100);
    for (const s of segments(data, 100, 10))
      dir.segment(s.seq, s.payload, s.payload.length, false, 0);
    expect(read()).toBe(data);
    expect(dir.bufferedBytes).toBe(0);
  });

  it('reorders any permutation, and duplicates change nothing', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const random = prng(seed);
      const { dir, read, counters } = setup();
      dir.syn(0xfffffff0); // sequence numbers wrap inside the stream
      const parts = segments(data, 0xfffffff0, 7);
      const sent = shuffle([...parts, ...parts.filter(() => random() < 0.3)], random);
      for (const s of sent) dir.segment(s.seq, s.payload, s.payload.length, false, 0);
      expect(read()).toBe(data);
      expect(dir.bufferedBytes).toBe(0);
      expect(counters.lostBytes).toBe(0);
    }
  });

  it('keeps the first copy of overlapping bytes', () => {
    const { dir, read, counters } = setup();
    dir.syn(0);
    dir.segment(1, seg('abcdef'), 6, false, 0);
    dir.segment(4, seg('DEFGHI'), 6, false, 0); // overlaps d..f, adds g..i
    dir.segment(2, seg('bc'), 2, false, 0); // a pure retransmission
    expect(read()).toBe('abcdefGHI');
    expect(counters.retransmitted).toBe(1);
  });

  it('holds a hole until told to give it up, then reports it lost', () => {
    const { dir, read, events, counters } = setup();
    dir.syn(0);
    dir.segment(1, seg('aaaa'), 4, false, 10);
    dir.segment(9, seg('cccc'), 4, false, 11); // bytes 5..8 missing
    expect(read()).toBe('aaaa');
    expect(dir.holeSince).toBe(11);
    expect(dir.bufferedBytes).toBe(4);
    expect(dir.skipHole(20)).toBe(true);
    expect(read()).toBe('aaaa####cccc');
    expect(events).toContain('gap 4 lost');
    expect(counters.lostBytes).toBe(4);
    expect(dir.holeSince).toBeUndefined();
  });

  it('reports bytes cut by packet_length as truncated and carries on after them', () => {
    const { dir, read, counters } = setup();
    dir.syn(0);
    dir.segment(1, seg('ab'), 6, false, 0); // 6 bytes on the wire, 2 kept
    dir.segment(7, seg('gh'), 2, false, 0);
    expect(read()).toBe('ab####gh');
    expect(counters.truncatedBytes).toBe(4);
  });

  it('finishes at the FIN, and a flush loses a promised tail that never came', () => {
    const a = setup();
    a.dir.syn(0);
    a.dir.segment(5, seg('efgh'), 4, true, 0); // FIN with the last bytes, first ones missing
    expect(a.dir.finished).toBe(false);
    a.dir.segment(1, seg('abcd'), 4, false, 0);
    expect(a.dir.finished).toBe(true);
    expect(a.read()).toBe('abcdefgh');

    const b = setup();
    b.dir.syn(0);
    b.dir.segment(1, seg('abcd'), 4, false, 0);
    b.dir.segment(9, seg(''), 0, true, 0); // FIN at offset 8: 4 bytes never seen
    b.dir.flush(1);
    expect(b.read()).toBe('abcd####');
    expect(b.dir.finished).toBe(true);
  });

  it('starts at the first segment when the SYN was never seen', () => {
    const { dir, read } = setup();
    dir.segment(500, seg('mid'), 3, false, 0);
    expect(dir.midstream).toBe(true);
    dir.segment(503, seg('dle'), 3, false, 0);
    expect(read()).toBe('middle');
  });
});
