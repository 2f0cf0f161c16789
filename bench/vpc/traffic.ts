import { TCP_FLAGS, buildDatagram } from '@shadowdiff/ingest';

/**
 * Mirror traffic made ahead of the measurement: `connections` keep-alive connections of
 * `perConnection` GETs each, answered with a JSON-ish body of `bodyBytes`, cut into 1448-byte
 * segments and VXLAN-wrapped exactly as a mirror session sends them.
 */
export function mirrorTraffic(
  connections: number,
  perConnection: number,
  bodyBytes: number,
): Uint8Array[] {
  const body = `{"data":"${'x'.repeat(Math.max(0, bodyBytes - 11))}"}`;
  const response = Buffer.from(
    `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
  );
  const out: Uint8Array[] = [];
  for (let c = 0; c < connections; c++) {
    const port = 10_000 + (c % 50_000);
    const client = `10.9.${(c >> 8) & 0xff}.${c & 0xff}`;
    const seq = { c: 1000, s: 9000 };
    const seg = (from: 'c' | 's', flags: number, payload?: Uint8Array) => {
      out.push(
        buildDatagram({
          vni: 7,
          src: from === 'c' ? client : '10.9.255.1',
          dst: from === 'c' ? '10.9.255.1' : client,
          srcPort: from === 'c' ? port : 8080,
          dstPort: from === 'c' ? 8080 : port,
          seq: seq[from],
          flags,
          ...(payload ? { payload } : {}),
        }),
      );
      seq[from] =
        (seq[from] + (payload?.length ?? 0) + (flags & (TCP_FLAGS.syn | TCP_FLAGS.fin) ? 1 : 0)) >>>
        0;
    };
    seg('c', TCP_FLAGS.syn);
    seg('s', TCP_FLAGS.syn | TCP_FLAGS.ack);
    for (let i = 0; i < perConnection; i++) {
      seg(
        'c',
        TCP_FLAGS.ack | TCP_FLAGS.psh,
        Buffer.from(
          `GET /items/${c}/${i} HTTP/1.1\r\nhost: api\r\nuser-agent: bench\r\naccept: */*\r\n\r\n`,
        ),
      );
      for (let at = 0; at < response.length; at += 1448) {
        seg('s', TCP_FLAGS.ack | TCP_FLAGS.psh, response.subarray(at, at + 1448));
      }
    }
    seg('c', TCP_FLAGS.fin | TCP_FLAGS.ack);
    seg('s', TCP_FLAGS.fin | TCP_FLAGS.ack);
  }
  return out;
}
