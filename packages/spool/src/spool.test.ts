import { mkdtemp, readdir, rm, stat, truncate, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Spool } from './spool.js';
import type { SpoolBatch, SpoolOptions } from './index.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'spool-test-'));
  dirs.push(dir);
  return dir;
}

function counting(options: Partial<SpoolOptions> = {}) {
  const drops: Record<string, number> = {};
  return {
    drops,
    options: {
      ...options,
      onDrop: (reason: string, n: number) => (drops[reason] = (drops[reason] ?? 0) + n),
    },
  };
}

/** Reads and acknowledges everything readable, returning `key=value` strings in order. */
async function drain(spool: Spool, maxRecords = 7, maxBytes = 1_000): Promise<string[]> {
  const out: string[] = [];
  for (
    let batch = await spool.read(maxRecords, maxBytes);
    batch;
    batch = await spool.read(maxRecords, maxBytes)
  ) {
    out.push(...values(batch));
    spool.ack(batch);
  }
  return out;
}

function values(batch: SpoolBatch): string[] {
  return batch.keys.map(
    (key, i) =>
      `${key}=${batch.buffer.toString('utf8', batch.starts[i], (batch.starts[i] as number) + (batch.lengths[i] as number))}`,
  );
}

describe('Spool', () => {
  it('reads back what was appended, in order, across segments and batches, then deletes its files', async () => {
    const dir = await tempDir();
    const spool = await Spool.open({ dir, segmentBytes: 300 });
    const expected: string[] = [];
    for (let i = 0; i < 100; i++) {
      const key = i % 10 === 0 ? null : `k${i}`;
      expect(spool.append(key, Buffer.from(`value-${i}`))).toBe(true);
      expected.push(`${key}=value-${i}`);
    }
    expect(spool.stats().records).toBe(100);
    await spool.flush();
    expect((await readdir(dir)).filter((f) => f.endsWith('.seg')).length).toBeGreaterThan(5);
    expect(await drain(spool)).toEqual(expected);
    expect(spool.empty).toBe(true);
    expect(spool.stats()).toMatchObject({ records: 0, replayed: 100 });
    await spool.close();
    expect((await readdir(dir)).filter((f) => f.endsWith('.seg'))).toEqual([]);
  });

  it('returns a released batch again, and a record larger than maxBytes alone', async () => {
    const spool = await Spool.open({ dir: await tempDir() });
    spool.append('a', Buffer.from('x'.repeat(200_000)));
    spool.append('b', Buffer.from('small'));
    await spool.flush();
    const first = await spool.read(10, 1_000);
    expect(first?.keys).toEqual(['a']);
    expect(first?.lengths).toEqual([200_000]);
    spool.release(first as SpoolBatch);
    const again = await spool.read(10, 1_000);
    expect(again?.keys).toEqual(['a']);
    spool.ack(again as SpoolBatch);
    expect(await drain(spool)).toEqual(['b=small']);
    await spool.close();
  });

  it('a new process replays what an earlier one left, from where it got to', async () => {
    const dir = await tempDir();
    const first = await Spool.open({ dir, segmentBytes: 200 });
    for (let i = 0; i < 20; i++) first.append(`k${i}`, Buffer.from(String(i)));
    await first.flush();
    const batch = (await first.read(5, 10_000)) as SpoolBatch;
    expect(batch.keys).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
    first.ack(batch);
    await first.close();

    const second = await Spool.open({ dir });
    expect(second.stats().records).toBe(15);
    second.append('late', Buffer.from('x'));
    await second.flush();
    const replayed = await drain(second);
    expect(replayed).toEqual([
      ...Array.from({ length: 15 }, (_, i) => `k${i + 5}=${i + 5}`),
      'late=x',
    ]);
    await second.close();
  });

  it('cuts a torn tail off (a crash mid-write) and keeps every whole record before it', async () => {
    const dir = await tempDir();
    const { drops, options } = counting();
    const first = await Spool.open({ dir, ...options });
    for (let i = 0; i < 10; i++) first.append(`k${i}`, Buffer.from(`v${i}`));
    await first.close();
    const [segment] = (await readdir(dir)).filter((f) => f.endsWith('.seg'));
    const path = join(dir, segment as string);
    await truncate(path, (await stat(path)).size - 3);
    await writeFile(join(dir, 'cursor.json'), '{"seq":'); // half-written cursor: replay all
    const second = await Spool.open({ dir, ...options });
    expect(await drain(second)).toEqual(Array.from({ length: 9 }, (_, i) => `k${i}=v${i}`));
    expect(drops).toEqual({ spool_corrupt: 1 });
    await second.close();
  });

  it('stops at a flipped bit: what follows in that segment is dropped as corrupt', async () => {
    const dir = await tempDir();
    const { drops, options } = counting();
    const first = await Spool.open({ dir, ...options });
    for (let i = 0; i < 10; i++) first.append(`k${i}`, Buffer.from(`value${i}`));
    await first.flush();
    const [segment] = (await readdir(dir)).filter((f) => f.endsWith('.seg'));
    const path = join(dir, segment as string);
    const bytes = await readFile(path);
    bytes[bytes.length - 60] = (bytes[bytes.length - 60] as number) ^ 0xff;
    await writeFile(path, bytes);
    const got = await drain(first, 100, 100_000);
    expect(got.length).toBeLessThan(10);
    expect(got.length + (drops.spool_corrupt ?? 0)).toBe(10);
    expect(first.empty).toBe(true);
    await first.close();
  });

  it('drops, never blocks: over maxBytes (spool_full) and over maxPendingBytes (spool_slow)', async () => {
    const full = counting({ maxBytes: 2_000 });
    const small = await Spool.open({ dir: await tempDir(), ...full.options });
    let kept = 0;
    for (let i = 0; i < 100; i++) if (small.append('k', Buffer.alloc(100))) kept++;
    expect(kept).toBeGreaterThan(10);
    expect(full.drops.spool_full).toBe(100 - kept);
    await small.close();

    const slow = counting({ maxPendingBytes: 1_000 });
    const spool = await Spool.open({ dir: await tempDir(), ...slow.options });
    kept = 0;
    // Appended in one tick: no write can land in between, so the pending bound is what holds.
    for (let i = 0; i < 100; i++) if (spool.append('k', Buffer.alloc(100))) kept++;
    expect(kept).toBeLessThan(10);
    expect(slow.drops.spool_slow).toBe(100 - kept);
    await spool.flush();
    expect(spool.append('k', Buffer.alloc(100))).toBe(true);
    await spool.close();
  });

  it('drops records older than maxAgeMs instead of replaying them, and counts them', async () => {
    let now = 1_000_000;
    const { drops, options } = counting({ maxAgeMs: 60_000, now: () => now });
    const spool = await Spool.open({ dir: await tempDir(), segmentBytes: 200, ...options });
    for (let i = 0; i < 10; i++) spool.append(`old${i}`, Buffer.from('o'));
    now += 50_000;
    spool.append('young', Buffer.from('y'));
    await spool.flush();
    now += 20_000;
    expect(await drain(spool)).toEqual(['young=y']);
    expect(drops).toEqual({ spool_expired: 10 });
    expect(spool.empty).toBe(true);
    await spool.close();
  });

  it('one process per directory: a live holder is refused, a dead one taken over', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'lock'), '999999999');
    const spool = await Spool.open({ dir });
    await spool.close();
    await writeFile(join(dir, 'lock'), String(process.ppid));
    await expect(Spool.open({ dir })).rejects.toMatchObject({ code: 'ERR_SPOOL_LOCKED' });
  });

  it('takes value encoders (copyTo) as well as bytes', async () => {
    const spool = await Spool.open({ dir: await tempDir() });
    const payload = Buffer.from('encoded');
    spool.append('e', { byteLength: payload.length, copyTo: (t, o) => void payload.copy(t, o) });
    await spool.flush();
    expect(await drain(spool)).toEqual(['e=encoded']);
    await spool.close();
  });
});
