import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { listenError } from './listen-error.js';

describe('listenError', () => {
  it('names the key, the address, the cause and the flag when the port is taken', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as AddressInfo;
    const second = net.createServer();
    const error = await new Promise<unknown>((resolve) => {
      second.once('error', resolve);
      second.listen(port, '127.0.0.1');
    });
    holder.close();
    const explained = listenError(error, 'console.listen', `127.0.0.1:${port}`, '--console-listen');
    expect(explained).toBeInstanceOf(ConfigError);
    expect((explained as ConfigError).code).toBe('ERR_CONFIG_INVALID');
    expect((explained as ConfigError).message).toBe(
      `console.listen: 127.0.0.1:${port} is already in use (EADDRINUSE) — free it, or pass --console-listen with another host:port`,
    );
  });

  it('passes other errors through unchanged', () => {
    const other = new Error('boom');
    expect(listenError(other, 'console.listen', 1, '--listen')).toBe(other);
  });
});
