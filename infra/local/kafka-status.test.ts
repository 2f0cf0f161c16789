import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./kafka.sh', import.meta.url));

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** A dummy listener standing in for another checkout's broker: it accepts and closes. */
async function listener(): Promise<Server> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return server;
}

/** `kafka.sh status` for a port, with a state dir of its own (so no broker of ours is known). */
function status(port: number): Promise<{ code: number; stdout: string }> {
  const state = mkdtempSync(`${tmpdir()}/sd-kafka-status-`);
  cleanup.push(() => rmSync(state, { recursive: true, force: true }));
  return new Promise((resolve) => {
    execFile(
      'bash',
      [script, 'status'],
      { env: { ...process.env, KAFKA_PORT: String(port), SHADOWDIFF_STATE_DIR: state } },
      (error, stdout) => {
        const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
        resolve({ code, stdout });
      },
    );
  });
}

describe('infra/local/kafka.sh status', () => {
  it('says "stopped" (exit 1) when nothing answers on its port', async () => {
    const server = await listener();
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const r = await status(port);
    expect(r).toEqual({
      code: 1,
      stdout: expect.stringMatching(/^stopped \(Kafka .*, port \d+\)\n$/),
    });
  });

  it('says running, not started by this checkout (exit 0), when another broker answers there', async () => {
    const server = await listener();
    const { port } = server.address() as AddressInfo;
    const r = await status(port);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^running \(not started by this checkout: /);
    expect(r.stdout).toContain(`KAFKA_BROKERS=127.0.0.1:${port}`);
  });
});
