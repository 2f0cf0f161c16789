import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deadPort, testCommandIo } from '@shadowdiff/testkit';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../commands.js';
import { runCli } from '../run-cli.js';
import { SEEDED_DRIFT } from './sample-services.js';

async function demo(args: string[], tty: boolean) {
  const t = testCommandIo();
  const { meter: _meter, shutdownTelemetry: _shutdown, ...io } = t.io;
  if (tty) Object.assign(io.stdout, { isTTY: true });
  const exit = runCli(
    [
      'demo',
      '--requests',
      '60',
      '--console-listen',
      '127.0.0.1:0',
      '--metrics-port',
      String(await deadPort()),
      ...args,
    ],
    COMMANDS,
    { ...io, env: {} },
  );
  return { ...t, exit };
}

describe('demo: what it prints about the console and metrics it started', () => {
  it('with --exit, says they closed instead of printing dead URLs, and --report keeps the evidence', async () => {
    const report = join(mkdtempSync(join(tmpdir(), 'shadowdiff-demo-')), 'evidence.html');
    const run = await demo(['--exit', '--report', report], false);
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toContain('Drift by route');
    expect(run.stdout()).not.toMatch(/Console: http|Metrics \(env="shadow"\): http/);
    expect(run.stdout()).toContain('The console and metrics closed with this run (--exit)');
    const html = readFileSync(report, 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    for (const seeded of SEEDED_DRIFT) expect(html).toContain(seeded.route);
    expect(run.stderr()).toContain(`wrote ${report} (html;`);
  }, 60_000);

  it('piped (not a terminal, as `npm start | tee`), says the same', async () => {
    const run = await demo([], false);
    expect(await run.exit).toBe(0);
    expect(run.stdout()).not.toContain('Console: http');
    expect(run.stdout()).toContain('closed with this run (output is not a terminal)');
  }, 60_000);

  it('on a terminal, prints the console URL, which answers until Ctrl-C', async () => {
    const run = await demo([], true);
    let url: string | undefined;
    for (let i = 0; i < 400 && url === undefined; i++) {
      url = /Console: (http:\/\/\S+)/.exec(run.stdout())?.[1];
      if (url === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(url).toBeDefined();
    expect((await fetch(`${url}/api/meta`)).status).toBe(200);
    run.stop();
    expect(await run.exit).toBe(0);
  }, 60_000);
});
