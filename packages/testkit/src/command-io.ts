import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import type { CommandIo } from '@shadowdiff/contracts';

/** A loopback port nothing listens on (bound once, then released). */
export async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A CommandIo for running a CLI verb in a test: no environment, stdout and stderr kept as text,
 * `stop()` is the user's Ctrl-C. Without `meter`, asking for one fails the test (the verb was
 * expected to stop before it would meter anything).
 */
export function testCommandIo(meter?: CommandIo['meter']): {
  io: CommandIo;
  stdout: () => string;
  stderr: () => string;
  stop: () => void;
} {
  const out = { stdout: '', stderr: '' };
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
  stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const abort = new AbortController();
  return {
    io: {
      stdout,
      stderr,
      env: {},
      stopSignal: abort.signal,
      meter:
        meter ??
        (() => {
          throw new Error('this command was not expected to create a meter');
        }),
      shutdownTelemetry: () => Promise.resolve(),
    },
    stdout: () => out.stdout,
    stderr: () => out.stderr,
    stop: () => abort.abort(),
  };
}
