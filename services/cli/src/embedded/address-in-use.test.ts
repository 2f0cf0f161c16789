import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { deadPort, testCommandIo } from '@shadowdiff/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../commands.js';
import { runCli } from '../run-cli.js';

/** Runs a verb in this process with Kafka and Redis pointing at dead ports. */
async function cli(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  const t = testCommandIo();
  const { meter: _meter, shutdownTelemetry: _shutdown, ...io } = t.io;
  const env = {
    KAFKA_BROKERS: `127.0.0.1:${await deadPort()}`,
    REDIS_URL: `redis://127.0.0.1:${await deadPort()}`,
  };
  const code = await runCli(args, COMMANDS, { ...io, env });
  return { code, stderr: t.stderr(), stdout: t.stdout() };
}

const inUse = (verb: string, key: string, address: string, flag: string) =>
  `shadowdiff ${verb}: ${key}: ${address} is already in use (EADDRINUSE) — free it, or pass ${flag} with another host:port`;

function expectOneClearLine(result: { code: number; stderr: string }, line: string): void {
  expect(result.code).toBe(2);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines.at(-1)).toBe(line);
  expect(lines.filter((l) => l.includes(line.split(': ')[1]!))).toHaveLength(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

describe('an address in use: one clear line and exit 2, the same in every verb', () => {
  let holder: net.Server;
  let taken: string;
  beforeAll(async () => {
    holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    taken = `127.0.0.1:${(holder.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => holder.close(() => resolve())));
  const port = () => taken.split(':')[1]!;

  it('console --listen', async () => {
    const result = await cli(['console', '--listen', taken]);
    expectOneClearLine(result, inUse('console', 'console.listen', taken, '--listen'));
  });

  it('demo --console-listen', async () => {
    const metrics = String(await deadPort());
    const result = await cli([
      'demo',
      '--exit',
      '--console-listen',
      taken,
      '--metrics-port',
      metrics,
    ]);
    expectOneClearLine(result, inUse('demo', 'console.listen', taken, '--console-listen'));
  });

  it('demo --metrics-port', async () => {
    const result = await cli(['demo', '--exit', '--metrics-port', port()]);
    expectOneClearLine(result, inUse('demo', 'telemetry.prometheus.port', taken, '--metrics-port'));
  });

  describe('run', () => {
    const services = async () => [
      '--primary',
      `http://127.0.0.1:${await deadPort()}`,
      '--shadow',
      `http://127.0.0.1:${await deadPort()}`,
    ];

    it('--listen (the tap)', async () => {
      const result = await cli([
        'run',
        ...(await services()),
        '--listen',
        taken,
        '--console-listen',
        '127.0.0.1:0',
        '--metrics-port',
        String(await deadPort()),
      ]);
      expectOneClearLine(result, inUse('run', 'tap.listen', taken, '--listen'));
    });

    it('--console-listen', async () => {
      const result = await cli([
        'run',
        ...(await services()),
        '--listen',
        '127.0.0.1:0',
        '--console-listen',
        taken,
        '--metrics-port',
        String(await deadPort()),
      ]);
      expectOneClearLine(result, inUse('run', 'console.listen', taken, '--console-listen'));
    });

    it('--metrics-port', async () => {
      const result = await cli([
        'run',
        ...(await services()),
        '--listen',
        '127.0.0.1:0',
        '--metrics-port',
        port(),
      ]);
      expectOneClearLine(
        result,
        inUse('run', 'telemetry.prometheus.port', taken, '--metrics-port'),
      );
    });
  });
});
