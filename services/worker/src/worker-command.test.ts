import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { metrics } from '@opentelemetry/api';
import { UsageError, validateConfig } from '@shadowdiff/contracts';
import type { CommandIo } from '@shadowdiff/contracts';
import { describe, expect, it } from 'vitest';
import { workerCommand } from './worker-command.js';

describe('shadowdiff worker flags', () => {
  it('refuses a session timeout the broker would refuse, before connecting to anything', async () => {
    const io: CommandIo = {
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      env: {},
      stopSignal: new AbortController().signal,
      meter: () => {
        throw new Error('not reached');
      },
      shutdownTelemetry: () => Promise.resolve(),
    };
    const run = (timeout: string) =>
      workerCommand.run(validateConfig({}), { 'session-timeout-ms': timeout }, [], io);
    await expect(run('100')).rejects.toThrow(UsageError);
    await expect(run('5999')).rejects.toThrow(/--session-timeout-ms must be at least 6000/);
  });
});

async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('shadowdiff worker start-up', () => {
  it('stops on request while Redis and Kafka never answer, instead of waiting for them', async () => {
    const stop = new AbortController();
    const stderr = new PassThrough();
    let text = '';
    stderr.on('data', (d: Buffer) => (text += d.toString()));
    const io: CommandIo = {
      stdout: new PassThrough(),
      stderr,
      env: {},
      stopSignal: stop.signal,
      meter: () => metrics.getMeter('worker-command-test'),
      shutdownTelemetry: () => Promise.resolve(),
    };
    const config = validateConfig({
      kafka: { brokers: [`127.0.0.1:${await deadPort()}`] },
      redis: { url: `redis://127.0.0.1:${await deadPort()}`, keyPrefix: 'wct:' },
      telemetry: { prometheus: { enabled: false } },
    });
    const exit = workerCommand.run(config, {}, [], io);
    setTimeout(() => stop.abort(), 1_000);
    await expect(exit).resolves.toBe(0);
    expect(text).toContain('stopping before start-up finished');
  }, 20_000);
});
