import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { pcapWriter, readVxlanPcap } from './helpers/pcap.js';
import {
  CLIENT_JS,
  CLIENT_REQUESTS,
  RELAY_JS,
  SERVER_JS,
  makeRig,
  run,
} from './helpers/vpc-netns.js';
import type { Child } from './helpers/vpc-netns.js';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(here, '../../services/cli/dist/main.js');
const FIXTURE = join(here, 'fixtures/vpc-mirror.pcap');
const FIXTURE_CLIENT = join(here, 'fixtures/vpc-mirror.client.json');

interface ClientExchange {
  method: string;
  url: string;
  status: number;
  size: number;
  sha: string;
  encoding: string | null;
  chunked: boolean;
}

interface RecordLine {
  role: string;
  capturedAt: number;
  traceId: string;
  request: { method: string; url: string; headers: Record<string, string> };
  response?: {
    status: number;
    headers: Record<string, string>;
    body: string;
    bodySize: number;
    bodyTruncated: boolean;
    contentEncoding?: string;
  };
  meta?: Record<string, string>;
}

const children: Child[] = [];
const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const c of children.splice(0).reverse()) await c.stop();
  for (const c of cleanups.splice(0).reverse()) c();
});

const lines = <T>(text: string): T[] =>
  text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function waitFor(what: string, check: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function ingestArgs(dir: string, listen: string, shadow: string): string[] {
  const config = join(dir, 'shadowdiff.yaml');
  writeFileSync(
    config,
    'service: vpc-e2e\ntap:\n  captureBodyBytes: 1048576\ntelemetry:\n  prometheus:\n    enabled: false\n',
  );
  return [
    'node',
    CLI,
    'vpc-ingest',
    '--config',
    config,
    '--listen',
    listen,
    '--admin-listen',
    '127.0.0.1:0',
    '--shadow',
    shadow,
    '--server-port',
    '8080',
    '--vni',
    '7',
    '--embedded',
    '--console-listen',
    '127.0.0.1:0',
    '--records-out',
    join(dir, 'records.jsonl'),
    '--verdicts-out',
    join(dir, 'verdicts.jsonl'),
  ];
}

/** Live: a real client and server in namespaces, the kernel mirroring their packets into VXLAN. */
async function live(rig: Exclude<ReturnType<typeof makeRig>, { error: string }>, dir: string) {
  const start = (ns: string, argv: string[]) => {
    const c = run(ns, argv);
    children.push(c);
    return c;
  };
  await start(rig.ingest, ['node', '-e', SERVER_JS, '127.0.0.1', '9090']).line(/^listening/);
  const ingest = start(rig.ingest, ingestArgs(dir, '127.0.0.1:4790', 'http://127.0.0.1:9090'));
  await ingest.line(/:4790$/);
  const relay = start(rig.ingest, ['node', '-e', RELAY_JS, '10.231.2.2', '4790']);
  await relay.line(/^relaying/);
  await start(rig.server, ['node', '-e', SERVER_JS, '10.231.1.2', '8080']).line(/^listening/);
  const client = start(rig.client, [
    'node',
    '-e',
    CLIENT_JS,
    '10.231.1.2',
    '8080',
    JSON.stringify(CLIENT_REQUESTS),
  ]);
  await waitFor('the client to finish', () => client.process.exitCode !== null);
  expect(client.process.exitCode, client.stderr()).toBe(0);
  return { ingest, relay, exchanges: lines<ClientExchange>(client.stdout()) };
}

describe('vpc-ingest on real mirrored packets', () => {
  it('gives every exchange the right primary and shadow record (chunked and gzip bodies hash-equal)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shadowdiff-vpc-e2e-'));
    const rig =
      process.env.VPC_MIRROR_PCAP === '1'
        ? { error: 'VPC_MIRROR_PCAP=1 asks for the capture' }
        : makeRig();
    let ingest: Child;
    let expected: ClientExchange[];
    let relay: Child | undefined;
    if ('error' in rig) {
      console.log(`vpc-mirror: ${rig.error} — replaying the committed capture ${FIXTURE} instead`);
      const shadow = run(undefined, ['node', '-e', SERVER_JS, '127.0.0.1', '0']);
      children.push(shadow);
      const shadowPort = (await shadow.line(/^listening/)).split(' ')[1];
      ingest = run(undefined, ingestArgs(dir, '127.0.0.1:0', `http://127.0.0.1:${shadowPort}`));
      children.push(ingest);
      const port = Number((await ingest.line(/^127\.0\.0\.1:\d+$/)).split(':')[1]);
      const socket = createSocket('udp4');
      for (const d of readVxlanPcap(FIXTURE))
        await new Promise<void>((r) => socket.send(d, port, '127.0.0.1', () => r()));
      socket.close();
      expected = JSON.parse(readFileSync(FIXTURE_CLIENT, 'utf8')) as ClientExchange[];
    } else {
      console.log('vpc-mirror: live run in network namespaces (veth, vxlan, tc mirred)');
      cleanups.push(() => rig.remove());
      const got = await live(rig, dir);
      ({ ingest, relay } = got);
      expected = got.exchanges;
    }
    expect(expected).toHaveLength(CLIENT_REQUESTS.length);
    const records = () =>
      existsSync(join(dir, 'records.jsonl'))
        ? lines<RecordLine>(readFileSync(join(dir, 'records.jsonl'), 'utf8'))
        : [];
    await waitFor(
      'a primary and a shadow record per exchange',
      () => records().length >= expected.length * 2,
    );
    expect(await ingest.stop()).toBe(0);
    if (relay !== undefined) {
      await relay.stop();
      // The test's own generator: what the ingest received, as a pcap (and the client's view).
      const pcap = pcapWriter(join(dir, 'vpc-mirror.pcap'));
      for (const l of relay
        .stdout()
        .split('\n')
        .filter((x) => x.startsWith('d '))) {
        const [, at, data] = l.split(' ');
        pcap.write(Buffer.from(data!, 'base64'), Number(at));
      }
      pcap.close();
      writeFileSync(join(dir, 'client.json'), `${JSON.stringify(expected, null, 2)}\n`);
      if (process.env.VPC_MIRROR_WRITE_FIXTURE === '1') {
        copyFileSync(join(dir, 'vpc-mirror.pcap'), FIXTURE);
        copyFileSync(join(dir, 'client.json'), FIXTURE_CLIENT);
      }
    }

    const all = records();
    // Halves leave together once the shadow answered: file order is replay order, not wire order.
    const primary = all
      .filter((r) => r.role === 'primary')
      .sort((a, b) => a.capturedAt - b.capturedAt);
    expect(primary.map((r) => `${r.request.method} ${r.request.url}`)).toEqual(
      expected.map((e) => `${e.method} ${e.url}`),
    );
    primary.forEach((record, i) => {
      const want = expected[i]!;
      const res = record.response!;
      const body = Buffer.from(res.body, 'base64');
      expect(
        { status: res.status, sha: sha(body), size: res.bodySize, truncated: res.bodyTruncated },
        `${want.method} ${want.url}`,
      ).toEqual({ status: want.status, sha: want.sha, size: want.size, truncated: false });
      expect(res.contentEncoding ?? null).toBe(want.encoding);
      expect(res.headers['transfer-encoding'] === 'chunked').toBe(want.chunked);
      expect(record.meta?.incomplete).toBeUndefined();
      const shadow = all.find((r) => r.role === 'shadow' && r.traceId === record.traceId);
      expect(shadow, `shadow record of ${want.url}`).toBeDefined();
      expect(sha(Buffer.from(shadow!.response!.body, 'base64'))).toBe(want.sha);
    });
    expect(expected.some((e) => e.chunked) && expected.some((e) => e.encoding === 'gzip')).toBe(
      true,
    );
    const verdicts = lines<{ outcome: string; route: string }>(
      readFileSync(join(dir, 'verdicts.jsonl'), 'utf8'),
    );
    expect(verdicts.map((v) => v.outcome)).toEqual(expected.map(() => 'match'));
    expect(ingest.stderr()).toMatch(/lost 0 B, truncated 0 B/);
  }, 180_000);
});
