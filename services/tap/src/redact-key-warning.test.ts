import { afterEach, describe, expect, it } from 'vitest';
import { startTap } from './start-tap.js';
import type { TapHandle } from './start-tap.js';
import {
  MemoryPublisher,
  metricsHarness,
  startServer,
  tapConfig,
} from './test-harness.test-kit.js';
import type { TestServer } from './test-harness.test-kit.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function upstream(): Promise<TestServer> {
  const server = await startServer((_req, res) => res.end('ok'));
  cleanup.push(() => server.close());
  return server;
}

/** Starts a tap with no redaction key anywhere; returns what it logged at start-up. */
async function startupLog(tap: Record<string, unknown>): Promise<string[]> {
  const lines: string[] = [];
  const metrics = metricsHarness();
  const handle: TapHandle = await startTap({
    config: tapConfig(tap),
    publisher: new MemoryPublisher(),
    meter: metrics.meter,
    env: {},
    log: (line) => lines.push(line),
  });
  cleanup.push(async () => {
    await handle.close();
    await metrics.shutdown();
  });
  return lines;
}

const warning = /SHADOWDIFF_REDACT_KEY is not set/;

describe('the redaction-key warning (no SHADOWDIFF_REDACT_KEY)', () => {
  it('a sidecar tap warns: the other side’s sidecar must use the same key', async () => {
    const lines = await startupLog({ mode: 'sidecar', upstream: (await upstream()).url });
    expect(lines.filter((l) => warning.test(l))).toHaveLength(1);
  });

  it('a single mirror tap does not: it redacts both halves of each pair with one key', async () => {
    const primary = await upstream();
    const shadow = await upstream();
    const lines = await startupLog({ mode: 'mirror', primary: primary.url, shadow: shadow.url });
    expect(lines.filter((l) => warning.test(l))).toEqual([]);
  });

  it('neither warns when the key is set', async () => {
    const metrics = metricsHarness();
    const lines: string[] = [];
    const handle = await startTap({
      config: tapConfig({ mode: 'sidecar', upstream: (await upstream()).url }),
      publisher: new MemoryPublisher(),
      meter: metrics.meter,
      env: { SHADOWDIFF_REDACT_KEY: 'shared-secret' },
      log: (line) => lines.push(line),
    });
    cleanup.push(async () => {
      await handle.close();
      await metrics.shutdown();
    });
    expect(lines.filter((l) => warning.test(l))).toEqual([]);
  });
});
