import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeTapRecord } from '@shadowdiff/contracts';
import type { TapRecord } from '@shadowdiff/contracts';
import { createTopic, kafkaBrokers, readAll, uniqueName } from '@shadowdiff/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGoReplayLine } from './goreplay/protocol.js';
import { harDocument, harEntry } from './har/har-fixtures.test-kit.js';

// The verbs run as a user runs them: the built CLI in a child process, against the real broker.
const cli = fileURLToPath(new URL('../../cli/dist/main.js', import.meta.url));
let dir: string;

beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  dir = mkdtempSync(join(tmpdir(), 'sd-ingest-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function configFor(topic: string): Promise<string> {
  await createTopic(kafkaBrokers(), topic, 3);
  const file = join(dir, `${topic}.yaml`);
  writeFileSync(
    file,
    [
      'service: orders',
      'kafka:',
      `  brokers: [${kafkaBrokers().join(', ')}]`,
      '  topics:',
      `    taps: ${topic}`,
      'telemetry:',
      '  prometheus:',
      '    enabled: false',
      '',
    ].join('\n'),
  );
  return file;
}

function run(
  args: string[],
  stdin = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('latin1')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

async function records(topic: string, count: number, timeoutMs = 20_000): Promise<TapRecord[]> {
  const messages = await readAll(kafkaBrokers(), topic, count, timeoutMs);
  return messages.map((m) => {
    const decoded = decodeTapRecord(m.value);
    if (!decoded.ok) throw decoded.error;
    expect(m.key).toBe(decoded.value.traceId);
    return decoded.value;
  });
}

describe('ingest verbs on a real Kafka broker', () => {
  it('goreplay-middleware echoes every line and publishes both halves keyed by request id', async () => {
    const topic = uniqueName('shadowdiff.taps.goreplay');
    const config = await configFor(topic);
    const t0 = 1_700_000_000_000_000_000n;
    const lines: string[] = [];
    for (let i = 0; i < 25; i++) {
      const id = `gr${i.toString(16).padStart(6, '0')}`;
      const at = t0 + BigInt(i) * 1_000_000n;
      lines.push(
        encodeGoReplayLine(
          1,
          id,
          at,
          0n,
          Buffer.from(`GET /orders/${i} HTTP/1.1\r\nHost: shop\r\n\r\n`),
        ),
        encodeGoReplayLine(
          2,
          id,
          at + 3_000_000n,
          3_000_000n,
          Buffer.from(
            `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${`{"id":${i}}`.length}\r\n\r\n{"id":${i}}`,
          ),
        ),
        encodeGoReplayLine(
          3,
          id,
          at + 9_000_000n,
          4_000_000n,
          Buffer.from(
            `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${`{"id":"${i}"}`.length.toString(16)}\r\n{"id":"${i}"}\r\n0\r\n\r\n`,
          ),
        ),
      );
    }
    lines.push('this line is not hex');
    const input = lines.map((l) => `${l}\n`).join('');
    const result = await run(['goreplay-middleware', '--config', config], input);
    expect(result.stderr).toMatch(/published 50 records/);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(input);

    const got = await records(topic, 50);
    expect(got).toHaveLength(50);
    const byTrace = new Map<string, TapRecord[]>();
    for (const r of got) byTrace.set(r.traceId, [...(byTrace.get(r.traceId) ?? []), r]);
    expect(byTrace.size).toBe(25);
    for (const [id, halves] of byTrace) {
      expect(halves.map((h) => h.role).sort()).toEqual(['primary', 'shadow']);
      const i = Number.parseInt(id.slice(2), 16);
      const shadow = halves.find((h) => h.role === 'shadow')!;
      expect(shadow.request.url).toBe(`/orders/${i}`);
      expect(Buffer.from(shadow.response!.body).toString()).toBe(`{"id":"${i}"}`);
      expect(shadow.meta?.source).toBe('goreplay');
    }
  });

  it('import-har pairs two HAR files and publishes them with a progress bar', async () => {
    const topic = uniqueName('shadowdiff.taps.har');
    const config = await configFor(topic);
    const primary = harDocument(
      Array.from({ length: 30 }, (_, i) =>
        harEntry({ url: `https://prod/items/${i % 10}`, body: `{"n":${i}}` }),
      ),
    );
    const shadow = harDocument(
      Array.from({ length: 30 }, (_, i) =>
        harEntry({ url: `https://staging/items/${i % 10}`, body: `{"n":${i}}` }),
      ),
    );
    writeFileSync(join(dir, 'a.har'), primary);
    writeFileSync(join(dir, 'b.har'), shadow);
    const result = await run([
      'import-har',
      '--config',
      config,
      '--primary',
      join(dir, 'a.har'),
      '--shadow',
      join(dir, 'b.har'),
      '--run-id',
      'it',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/import-har \[#+\] 60\/60 100%/);
    expect(JSON.parse(result.stdout)).toMatchObject({
      runId: 'it',
      pairs: { total: 30, 'method+url+order': 30 },
      published: 60,
      dropped: 0,
    });
    const got = await records(topic, 60);
    expect(new Set(got.map((r) => r.traceId)).size).toBe(30);
    // The n-th /items/k on one side paired with the n-th /items/k on the other: same body.
    const byTrace = new Map<string, string[]>();
    for (const r of got)
      byTrace.set(r.traceId, [
        ...(byTrace.get(r.traceId) ?? []),
        Buffer.from(r.response!.body).toString(),
      ]);
    for (const bodies of byTrace.values()) expect(new Set(bodies).size).toBe(1);
  });

  it('import-har refuses a malformed HAR before publishing, naming entry and field', async () => {
    const topic = uniqueName('shadowdiff.taps.har-bad');
    const config = await configFor(topic);
    const bad = JSON.parse(
      harDocument([harEntry({ url: 'https://x/a' }), harEntry({ url: 'https://x/b' })]),
    ) as {
      log: { entries: { request: Record<string, unknown> }[] };
    };
    delete bad.log.entries[1]!.request.method;
    writeFileSync(join(dir, 'ok.har'), harDocument([harEntry({ url: 'https://x/a' })]));
    writeFileSync(join(dir, 'bad.har'), JSON.stringify(bad));
    const result = await run([
      'import-har',
      '-c',
      config,
      '--primary',
      join(dir, 'ok.har'),
      '--shadow',
      join(dir, 'bad.har'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('bad.har: entry 1, field request.method: Required');
    expect(await records(topic, 1, 3_000)).toEqual([]);
  });
});
