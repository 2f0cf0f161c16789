import { PassThrough } from 'node:stream';
import { tapConfigSchema } from '@shadowdiff/contracts';
import { deadPort, testCommandIo } from '@shadowdiff/testkit';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../commands.js';
import { runCli } from '../run-cli.js';
import { progressText, startProgressLine } from './progress-line.js';
import { runCommand } from './run-command.js';

async function cli(args: string[]) {
  const t = testCommandIo();
  const { meter: _meter, shutdownTelemetry: _shutdown, ...io } = t.io;
  const code = await runCli(args, COMMANDS, { ...io, env: {} });
  return { code, stderr: t.stderr(), stdout: t.stdout() };
}

describe('run: flags and the progress line', () => {
  it('--help explains the verb with an example', async () => {
    const { code, stdout } = await cli(['run', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain(
      'shadowdiff run --primary http://127.0.0.1:8080 --shadow http://127.0.0.1:8081',
    );
    for (const flag of [
      '--verdicts-out',
      '--state',
      '--report',
      '--console-listen',
      '--metrics-port',
      '--secondary',
    ]) {
      expect(stdout).toContain(flag);
    }
  });

  it('--secondary sets tap.secondary through the tap’s overrides, or says this build has no such key', () => {
    const values = { primary: 'http://a:1', shadow: 'http://b:2', secondary: 'http://c:3' };
    if ('secondary' in tapConfigSchema.shape) {
      expect(runCommand.overrides!(values)).toMatchObject({
        tap: {
          mode: 'mirror',
          primary: 'http://a:1',
          shadow: 'http://b:2',
          secondary: 'http://c:3',
        },
      });
    } else {
      expect(() => runCommand.overrides!(values)).toThrow(
        /--secondary sets tap\.secondary, which this build does not have yet/,
      );
    }
    expect(runCommand.overrides!({ primary: 'http://a:1', shadow: 'http://b:2' })).toMatchObject({
      tap: { mode: 'mirror', primary: 'http://a:1', shadow: 'http://b:2' },
    });
  });

  it('refuses a tap address that is the primary’s own', async () => {
    const port = await deadPort();
    const { code, stderr } = await cli([
      'run',
      '--primary',
      `http://127.0.0.1:${port}`,
      '--shadow',
      `http://127.0.0.1:${await deadPort()}`,
      '--listen',
      `127.0.0.1:${port}`,
    ]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `shadowdiff run: tap.listen 127.0.0.1:${port} is the primary's own address (http://127.0.0.1:${port}) — pass --listen with another host:port\n`,
    );
  });

  it('without --primary/--shadow names the keys and the flags', async () => {
    const { code, stderr } = await cli(['run']);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /tap\.primary, tap\.shadow: mirror mode needs both services .*--primary http:\/\/host:port --shadow/,
    );
  });

  it('draws requests, pairs and diff rate in place on a terminal, nothing on a pipe', async () => {
    const totals = () => Promise.resolve({ requests: 12, pairs: 8, diffs: 2 });
    expect(progressText({ requests: 12, pairs: 8, diffs: 2 })).toBe(
      'requests 12 · pairs 8 · diff rate 25.0%',
    );
    expect(progressText({ requests: 0, pairs: 0, diffs: 0 })).toBe(
      'requests 0 · pairs 0 · diff rate —',
    );
    const tty = Object.assign(new PassThrough(), { isTTY: true });
    const pipe = new PassThrough();
    let drawn = '';
    let piped = '';
    tty.on('data', (d: Buffer) => (drawn += d.toString()));
    pipe.on('data', (d: Buffer) => (piped += d.toString()));
    const a = startProgressLine(tty, totals, 10);
    const b = startProgressLine(pipe, totals, 10);
    await new Promise((resolve) => setTimeout(resolve, 60));
    a.stop();
    b.stop();
    expect(drawn).toContain('\r\u001b[2Krequests 12 · pairs 8 · diff rate 25.0%');
    expect(drawn.endsWith('\r\u001b[2K')).toBe(true);
    expect(drawn).not.toContain('\n');
    expect(piped).toBe('');
  });
});
