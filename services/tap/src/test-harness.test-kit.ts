/**
 * Fixtures for the tap's tests (not exported from the package): loopback HTTP servers, a raw HTTP
 * client, a dead port, an in-memory publisher and an OTel metrics reader.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import type { Meter } from '@opentelemetry/api';
import { validateConfig } from '@shadowdiff/contracts';
import type { ShadowdiffConfig } from '@shadowdiff/contracts';

export interface TestServer {
  url: string;
  port: number;
  /** Requests seen, in arrival order. */
  seen: { method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer }[];
  close(): Promise<void>;
}

/** An upstream on 127.0.0.1 that records what it got (body included) before `handle` answers. */
export async function startServer(
  handle: (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void,
): Promise<TestServer> {
  const seen: TestServer['seen'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handle(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export { MemoryPublisher, deadPort, fetchRaw } from '@shadowdiff/testkit';
export type { RawResponse } from '@shadowdiff/testkit';

/** Header pairs minus the per-connection ones each hop sets for itself. */
export function endToEnd(rawHeaders: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (/^(connection|keep-alive)$/i.test(name)) continue;
    out.push([name, rawHeaders[i + 1] as string]);
  }
  return out;
}

export interface MetricsHarness {
  meter: Meter;
  /** Sum of a counter (or count of a histogram) over points whose attributes include `match`. */
  value(name: string, match?: Record<string, string>): Promise<number>;
  /** Every point's attributes for a metric. */
  attributes(name: string): Promise<Record<string, unknown>[]>;
  shutdown(): Promise<void>;
}

export function metricsHarness(): MetricsHarness {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  const points = async (name: string) => {
    exporter.reset();
    await reader.forceFlush();
    const out: { attributes: Record<string, unknown>; value: unknown }[] = [];
    for (const rm of exporter.getMetrics()) {
      for (const sm of rm.scopeMetrics) {
        for (const m of sm.metrics) {
          if (m.descriptor.name !== name) continue;
          for (const p of m.dataPoints) out.push({ attributes: p.attributes, value: p.value });
        }
      }
    }
    return out;
  };
  return {
    meter: provider.getMeter('tap-test'),
    async value(name, match = {}) {
      let total = 0;
      for (const p of await points(name)) {
        if (!Object.entries(match).every(([k, v]) => p.attributes[k] === v)) continue;
        total += typeof p.value === 'number' ? p.value : (p.value as { count: number }).count;
      }
      return total;
    },
    async attributes(name) {
      return (await points(name)).map((p) => p.attributes);
    },
    shutdown: () => provider.shutdown(),
  };
}

/** A validated config with the tap on ephemeral loopback ports. */
export function tapConfig(
  tap: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): ShadowdiffConfig {
  return validateConfig({
    service: 'orders',
    ...extra,
    tap: { listen: '127.0.0.1:0', adminListen: '127.0.0.1:0', tapId: 'test-tap', ...tap },
  });
}
