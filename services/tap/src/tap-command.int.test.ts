import { PassThrough } from 'node:stream';
import { mergeConfig, validateConfig } from '@shadowdiff/contracts';
import type { CommandIo } from '@shadowdiff/contracts';
import { kafkaBrokers } from '@shadowdiff/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { newTopic, readRecords } from './kafka-harness.test-kit.js';
import { tapCommand } from './tap-command.js';
import { fetchRaw, metricsHarness, startServer } from './test-harness.test-kit.js';
import type { TestServer } from './test-harness.test-kit.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  const steps = cleanup.reverse();
  cleanup = [];
  for (const c of steps) await c();
});

describe('shadowdiff tap', () => {
  it('lets flags override the config file and infers mirror mode from --primary/--shadow', () => {
    const file = {
      tap: { mode: 'sidecar', upstream: 'http://file:1', mirror: { percent: 5, methods: ['GET'] } },
    };
    const flags =
      tapCommand.overrides?.({
        primary: 'http://p:1',
        shadow: 'http://s:1',
        percent: '20',
        listen: ':9000',
      }) ?? {};
    const config = validateConfig(mergeConfig(file, flags));
    expect(config.tap).toMatchObject({
      mode: 'mirror',
      primary: 'http://p:1',
      shadow: 'http://s:1',
      listen: ':9000',
    });
    expect(config.tap.mirror).toMatchObject({ percent: 20, methods: ['GET'] });
    expect(() =>
      validateConfig(mergeConfig({}, tapCommand.overrides?.({ percent: 'lots' }) ?? {})),
    ).toThrow(/tap\.mirror\.percent/);
  });

  it('serves, publishes to the configured topic, and stops cleanly on the stop signal', async () => {
    const servers: TestServer[] = [];
    for (let i = 0; i < 2; i++) {
      const s = await startServer((_req, res) => res.end('ok'));
      servers.push(s);
      cleanup.push(() => s.close());
    }
    const topic = await newTopic();
    const metrics = metricsHarness();
    cleanup.push(() => metrics.shutdown());
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const stop = new AbortController();
    const io: CommandIo = {
      stdout,
      stderr,
      env: { SHADOWDIFF_REDACT_KEY: 'k' },
      stopSignal: stop.signal,
      meter: () => metrics.meter,
      shutdownTelemetry: () => Promise.resolve(),
    };
    const values = {
      primary: servers[0]?.url,
      shadow: servers[1]?.url,
      listen: '127.0.0.1:0',
      'admin-listen': '127.0.0.1:0',
    };
    const config = validateConfig(
      mergeConfig(
        {
          kafka: { brokers: kafkaBrokers(), topics: { taps: topic } },
          tap: { buffer: { lingerMs: 1 } },
        },
        tapCommand.overrides?.(values) ?? {},
      ),
    );
    const exit = tapCommand.run(config, values, [], io);
    const url = await new Promise<string>((resolve) =>
      stdout.once('data', (d: Buffer) => resolve(d.toString().trim())),
    );
    expect((await fetchRaw(`${url}/a`)).body.toString()).toBe('ok');
    stop.abort();
    expect(await exit).toBe(0);
    const records = await readRecords(topic, 2);
    expect(records.map((r) => r.record.role).sort()).toEqual(['primary', 'shadow']);
  });
});
