/**
 * Fixtures for the capture's tests: loopback servers, the records a memory publisher got, and
 * the config the tests share (the raw client and the publisher are the testkit's).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeTapRecord, validateConfig } from '@shadowdiff/contracts';
import type { ShadowdiffConfig, TapRecord } from '@shadowdiff/contracts';
import type { MemoryPublisher } from '@shadowdiff/testkit';

export { MemoryPublisher, fetchRaw } from '@shadowdiff/testkit';

/** Request records a memory publisher was given (census tallies left out). */
export function tapRecords(publisher: MemoryPublisher): TapRecord[] {
  return publisher.messages
    .map((m) => {
      const d = decodeTapRecord(m.value);
      if (!d.ok) throw d.error;
      return d.value;
    })
    .filter((r) => !r.traceId.startsWith('census-'));
}

export function captureConfig(tap: Record<string, unknown> = {}): ShadowdiffConfig {
  return validateConfig({
    service: 'checkout',
    tap: {
      tapId: 'test-capture',
      buffer: { lingerMs: 5 },
      selfCheck: { enabled: false },
      ...tap,
    },
  });
}

export interface Listening {
  url: string;
  server: http.Server;
  close(): Promise<void>;
}

export async function listen(server: http.Server): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A shadow that answers `body` and keeps what it was sent. */
export async function shadowServer(
  body = '{"ok":true}',
): Promise<
  Listening & { seen: { method: string; url: string; headers: http.IncomingHttpHeaders }[] }
> {
  const seen: { method: string; url: string; headers: http.IncomingHttpHeaders }[] = [];
  const l = await listen(
    http.createServer((req, res) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    }),
  );
  return { ...l, seen };
}

/** Header pairs minus the ones that differ between any two answers (Date, connection). */
export function stableHeaders(raw: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (/^(date|connection|keep-alive)$/i.test(name)) continue;
    out.push([name, raw[i + 1] as string]);
  }
  return out;
}

export function traceparent(n: number): string {
  return `00-${n.toString(16).padStart(32, 'a')}-00f067aa0ba902b7-01`;
}
