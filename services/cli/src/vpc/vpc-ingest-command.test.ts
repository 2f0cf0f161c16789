import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDatagram } from '@shadowdiff/ingest';
import { deadPort, testCommandIo } from '@shadowdiff/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../commands.js';
import { runCli } from '../run-cli.js';

/** The primary's answers as the mirror would carry them: item `id`, `name` drifting for id 3. */
const item = (id: number, side: 'primary' | 'shadow') =>
  JSON.stringify({ id, name: side === 'shadow' && id === 3 ? 'renamed' : `item-${id}` });

/** One keep-alive connection of GETs, segment by segment, as VXLAN datagrams. */
function connection(ids: number[], clientPort: number): Uint8Array[] {
  const seq = { c: 100, s: 900 };
  const spec = (from: 'c' | 's', flags: number, payload?: Buffer) => ({
    vni: 42,
    src: from === 'c' ? '10.1.0.5' : '10.1.0.9',
    dst: from === 'c' ? '10.1.0.9' : '10.1.0.5',
    srcPort: from === 'c' ? clientPort : 8080,
    dstPort: from === 'c' ? 8080 : clientPort,
    seq: seq[from],
    flags,
    ...(payload ? { payload } : {}),
  });
  const out = [buildDatagram(spec('c', 0x02))];
  seq.c++;
  out.push(buildDatagram(spec('s', 0x12)));
  seq.s++;
  const data = (from: 'c' | 's', text: string) => {
    const payload = Buffer.from(text);
    out.push(buildDatagram(spec(from, 0x18, payload)));
    seq[from] += payload.length;
  };
  for (const id of ids) {
    data('c', `GET /items/${id} HTTP/1.1\r\nHost: api\r\n\r\n`);
    const body = item(id, 'primary');
    data(
      's',
      `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
  }
  out.push(buildDatagram(spec('c', 0x11)), buildDatagram(spec('s', 0x11)));
  return out;
}

describe('shadowdiff vpc-ingest --embedded', () => {
  let shadow: http.Server;
  let shadowUrl: string;
  beforeAll(async () => {
    shadow = http.createServer((req, res) => {
      const id = Number((req.url ?? '').split('/').pop());
      res.writeHead(200, { 'content-type': 'application/json' }).end(item(id, 'shadow'));
    });
    await new Promise<void>((r) => shadow.listen(0, '127.0.0.1', r));
    shadowUrl = `http://127.0.0.1:${(shadow.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => shadow.close(() => r())));

  it('judges mirrored exchanges in this process: drift on the one item whose shadow differs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shadowdiff-vpc-'));
    const verdicts = join(dir, 'verdicts.jsonl');
    const records = join(dir, 'records.jsonl');
    const t = testCommandIo();
    const { meter: _m, shutdownTelemetry: _s, ...cli } = t.io;
    const env = { KAFKA_BROKERS: `127.0.0.1:${await deadPort()}` };
    const exit = runCli(
      [
        'vpc-ingest',
        '--listen',
        '127.0.0.1:0',
        '--admin-listen',
        '127.0.0.1:0',
        '--shadow',
        shadowUrl,
        '--vni',
        '42',
        '--server-port',
        '8080',
        '--embedded',
        '--console-listen',
        '127.0.0.1:0',
        '--verdicts-out',
        verdicts,
        '--records-out',
        records,
      ],
      COMMANDS,
      { ...cli, env },
    );
    let port = 0;
    for (let i = 0; i < 400 && port === 0; i++) {
      port = Number(/:(\d+)\n/.exec(t.stdout())?.[1] ?? 0);
      if (port === 0) await new Promise((r) => setTimeout(r, 25));
    }
    expect(port, t.stderr()).toBeGreaterThan(0);
    const socket = createSocket('udp4');
    for (const d of [...connection([1, 2, 3], 50_001), ...connection([4, 5], 50_002)]) {
      await new Promise<void>((r) => socket.send(d, port, '127.0.0.1', () => r()));
    }
    socket.close();
    const count = () =>
      existsSync(verdicts)
        ? readFileSync(verdicts, 'utf8').trim().split('\n').filter(Boolean).length
        : 0;
    for (let i = 0; i < 600 && count() < 5; i++) await new Promise((r) => setTimeout(r, 25));
    t.stop();
    expect(await exit).toBe(0);
    const lines = readFileSync(verdicts, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { outcome: string; route: string; traceId: string });
    expect(lines).toHaveLength(5);
    const drift = lines.filter((v) => v.outcome === 'diff');
    expect(drift).toHaveLength(1);
    const recs = readFileSync(records, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { role: string; traceId: string; request: { url: string } });
    expect(recs.filter((r) => r.role === 'primary')).toHaveLength(5);
    expect(recs.find((r) => r.traceId === drift[0]!.traceId)?.request.url).toBe('/items/3');
    expect(t.stderr()).toMatch(/18 datagrams, 2 flows/);
  }, 60_000);
});
