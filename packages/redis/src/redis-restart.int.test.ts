import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { ShadowdiffError } from '@shadowdiff/contracts';
import type { HalfOffer } from '@shadowdiff/engine';
import { uniqueName, waitFor } from '@shadowdiff/testkit';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisAlignment, ORPHAN_SCHEMES } from './create-redis-alignment.js';

/**
 * A private, throw-away redis-server: the shared one must never be restarted. Started without
 * persistence, so a restart also loses every key — the harshest case for recovery.
 */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const probe = new Redis(port, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined);
  await waitFor('redis-server to answer', async () => {
    try {
      if (probe.status !== 'ready') await probe.connect();
      return (await probe.ping()) === 'PONG';
    } catch {
      probe.disconnect();
      return false;
    }
  });
  probe.disconnect();
  return child;
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGKILL');
  await once(child, 'exit');
}

describe.each(ORPHAN_SCHEMES)('Redis restarted mid-run (%s)', (scheme) => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('surfaces retriable ERR_STORE errors, never crashes, and works again once Redis is back', async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    cleanups.push(() => stopRedis(redis));
    const background: unknown[] = [];
    const alignment = createRedisAlignment({
      url: `redis://127.0.0.1:${port}`,
      keyPrefix: 'sdtest:restart:',
      scheme,
      swept: { sweepEveryMs: 100 },
      onError: (error) => background.push(error),
    });
    cleanups.push(() => alignment.close());
    const { store, scheduler } = alignment;
    const fired = new Set<string>();
    await scheduler.start(async (traceIds) => {
      const results = await Promise.all(traceIds.map((id) => store.expire(id)));
      traceIds.forEach((id, i) => results[i]!.kind === 'orphan' && fired.add(id));
    });

    const offer = (traceId: string): HalfOffer => ({
      traceId,
      role: 'primary',
      half: new Uint8Array([1, 2, 3]),
      expected: ['primary', 'shadow'],
      deadlineAt: Date.now() + 300,
    });
    const armed = async (traceId: string): Promise<void> => {
      const [result] = await store.offer([offer(traceId)]);
      if (result?.kind === 'waiting')
        await scheduler.schedule([{ traceId, dueAt: offer(traceId).deadlineAt }]);
    };

    const before = uniqueName('before');
    await armed(before);
    await waitFor('the orphan before the restart', () => fired.has(before));

    await stopRedis(redis);
    const failures: unknown[] = [];
    await waitFor('a failed offer while Redis is down', async () => {
      await armed(uniqueName('down')).catch((error: unknown) => failures.push(error));
      return failures.length > 0;
    });
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(ShadowdiffError);
      expect(failure).toMatchObject({ code: 'ERR_STORE', retriable: true });
    }

    redis = await startRedis(port);
    // What a worker does: retry the batch with back-off until the store answers again.
    const after = uniqueName('after');
    await waitFor('an offer to succeed after the restart', () =>
      armed(after).then(
        () => true,
        () => false,
      ),
    );
    await waitFor('the orphan after the restart', () => fired.has(after), 30_000);
  });
});
