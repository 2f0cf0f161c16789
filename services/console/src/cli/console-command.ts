import type { Command, CommandIo, OptionValues, ShadowdiffConfig } from '@shadowdiff/contracts';
import { startConsole } from '../api/server.js';
import { createFleetStores } from './fleet-stores.js';
import { str } from './option-values.js';

function waitForStop(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
}

async function run(
  config: ShadowdiffConfig,
  _values: OptionValues,
  io: CommandIo,
): Promise<number> {
  const log = (line: string) => io.stderr.write(`shadowdiff ${line}\n`);
  const stores = createFleetStores(config, (line) => log(`console: ${line}`));
  try {
    const handle = await startConsole({
      config,
      samples: stores.samples,
      ...(stores.noise ? { noise: stores.noise } : {}),
      env: io.env,
      log,
    });
    await waitForStop(io.stopSignal);
    log('console: stopping');
    await handle.close();
    return 0;
  } finally {
    await stores.close();
  }
}

/** `shadowdiff console`: the web UI and HTTP API over the fleet's statistics in Redis. */
export const consoleCommand: Command = {
  name: 'console',
  summary: 'Serve the web UI and HTTP API over the fleet statistics and example pairs (Redis)',
  usage: [
    '[--listen host:port]',
    '',
    'Reads what the workers write to Redis (redis.url, redis.keyPrefix). On 127.0.0.1 (the default,',
    'console.listen) no token is needed; on any other address the API needs',
    '`Authorization: Bearer <token>` with the token from the variable console.tokenEnv names',
    '(default SHADOWDIFF_CONSOLE_TOKEN), and the console will not start without it.',
    '',
    'Examples:',
    '  shadowdiff console                                   # http://127.0.0.1:8088',
    '  SHADOWDIFF_CONSOLE_TOKEN=$(openssl rand -hex 24) shadowdiff console --listen 0.0.0.0:8088',
  ].join('\n'),
  options: {
    listen: {
      type: 'string',
      description: 'address to listen on (default console.listen, 127.0.0.1:8088)',
    },
  },
  overrides(values) {
    const listen = str(values, 'listen');
    return listen === undefined ? {} : { console: { listen } };
  },
  run: (config, values, _positionals, io) => run(config, values, io),
};
