import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { validateConfig } from '@shadowdiff/contracts';
import type { CommandIo } from '@shadowdiff/contracts';
import { describe, expect, it } from 'vitest';
import { reportCommand } from './report-command.js';

/** A loopback port nothing listens on. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('shadowdiff report', () => {
  it('says which Redis it could not read and how to point it elsewhere, without a stack', async () => {
    const url = `redis://127.0.0.1:${await deadPort()}`;
    const stderr = new PassThrough();
    let text = '';
    stderr.on('data', (d: Buffer) => (text += d.toString()));
    const io: CommandIo = {
      stdout: new PassThrough(),
      stderr,
      env: {},
      stopSignal: new AbortController().signal,
      meter: () => {
        throw new Error('not used');
      },
      shutdownTelemetry: () => Promise.resolve(),
    };
    const exit = await reportCommand.run(validateConfig({ redis: { url } }), {}, [], io);
    expect(exit).toBe(1);
    expect(text).toContain(`cannot read the evidence from ${url}`);
    expect(text).toMatch(/redis\.url in the config, or \$REDIS_URL/);
    expect(text).not.toMatch(/\n\s+at /);
  });
});
