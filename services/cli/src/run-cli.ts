import { parseArgs } from 'node:util';
import { ShadowdiffError } from '@shadowdiff/contracts';
import type { Command, CommandIo, CommandOption, OptionValues } from '@shadowdiff/contracts';
import { loadConfig } from './config-file.js';
import { startTelemetry } from './otel.js';
import type { Telemetry } from './otel.js';

const GLOBAL_OPTIONS: Record<string, CommandOption> = {
  config: {
    type: 'string',
    short: 'c',
    description: 'YAML config file (default: ./shadowdiff.yaml if present)',
  },
  help: { type: 'boolean', short: 'h', description: 'show help for this command' },
};

function optionHelp(options: Record<string, CommandOption>): string {
  const rows = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ' <value>' : ''}`;
    return `  ${flag.padEnd(34)} ${o.description}`;
  });
  return rows.join('\n');
}

export function commandHelp(command: Command): string {
  return [
    `Usage: shadowdiff ${command.name} ${command.usage}`.trimEnd(),
    '',
    command.summary,
    '',
    'Options:',
    optionHelp({ ...command.options, ...GLOBAL_OPTIONS }),
    '',
  ].join('\n');
}

export function topHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    'shadowdiff — mirror traffic to a new version and see where its answers drift.',
    '',
    'Usage: shadowdiff <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)} ${c.summary}`),
    '',
    "Run 'shadowdiff <command> --help' for a command's options.",
    '',
  ].join('\n');
}

/** Parses argv, loads config, runs the verb; returns the process exit code. */
/** What the CLI's caller supplies; the CLI adds telemetry once the config is known. */
export type CliIo = Omit<CommandIo, 'meter' | 'shutdownTelemetry'>;

export async function runCli(
  argv: string[],
  commands: readonly Command[],
  io: CliIo,
): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') {
    io.stdout.write(topHelp(commands));
    return verb === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === verb);
  if (!command) {
    io.stderr.write(
      `shadowdiff: unknown command '${verb}'. Commands: ${commands.map((c) => c.name).join(', ')}\n`,
    );
    return 2;
  }
  let values: OptionValues;
  let positionals: string[];
  try {
    const parsed = parseArgs({
      args: rest,
      options: { ...command.options, ...GLOBAL_OPTIONS },
      allowPositionals: true,
      strict: true,
    });
    values = parsed.values as OptionValues;
    positionals = parsed.positionals;
  } catch (error) {
    io.stderr.write(`shadowdiff ${verb}: ${(error as Error).message}\n\n${commandHelp(command)}`);
    return 2;
  }
  if (values.help === true) {
    io.stdout.write(commandHelp(command));
    return 0;
  }
  try {
    const { config } = loadConfig(
      typeof values.config === 'string' ? values.config : undefined,
      io.env,
      command.overrides?.(values) ?? {},
    );
    let telemetry: Telemetry | undefined;
    const commandIo: CommandIo = {
      ...io,
      meter: (scope) => {
        telemetry ??= startTelemetry(config.telemetry, `shadowdiff-${command.name}`, (line) =>
          io.stderr.write(`shadowdiff ${verb}: ${line}\n`),
        );
        return telemetry.meter(scope);
      },
      shutdownTelemetry: async () => {
        await telemetry?.shutdown();
      },
    };
    try {
      return await command.run(config, values, positionals, commandIo);
    } finally {
      await commandIo.shutdownTelemetry();
    }
  } catch (error) {
    if (error instanceof ShadowdiffError) {
      io.stderr.write(`shadowdiff ${verb}: ${error.message}\n`);
      return error.code === 'ERR_USAGE' || error.code.startsWith('ERR_CONFIG') ? 2 : 1;
    }
    throw error;
  }
}
