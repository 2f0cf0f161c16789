import { createServer } from 'node:net';
import { listenError } from '@shadowdiff/contracts';

/**
 * Fails with the one clear address line (see `listenError`) when `host:port` cannot be bound, for
 * listeners that report trouble only in a callback (the Prometheus exporter). Binds, then releases.
 */
export async function assertCanListen(
  host: string,
  port: number,
  key: string,
  flag: string,
): Promise<void> {
  if (port === 0) return;
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(listenError(error, key, `${host}:${port}`, flag)));
    server.listen(port, host, () => resolve());
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
