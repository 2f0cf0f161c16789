import { parseArgs } from 'node:util';
import type { Command } from '@shadowdiff/contracts';

/** Options every verb accepts (services/cli/src/run-cli.ts GLOBAL_OPTIONS). */
const GLOBAL_OPTIONS = {
  config: { type: 'string', short: 'c' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Problems with a `shadowdiff ...` argument vector as a container would pass it: the verb must be
 * a registered command and every flag one of its options, parsed exactly as the CLI parses them
 * (node:util parseArgs, strict). Values may be templates (`{{args.x}}`, `${VAR}`): only flags are
 * judged. Returns the parsed values for further checks.
 */
export function checkCliArgs(
  args: readonly string[],
  commands: readonly Command[],
): { problems: string[]; verb?: string; values: Record<string, unknown> } {
  const [verb, ...rest] = args;
  const command = commands.find((c) => c.name === verb);
  if (!command) {
    return {
      problems: [
        `unknown verb '${verb}' (shadowdiff has: ${commands.map((c) => c.name).join(', ')})`,
      ],
      values: {},
    };
  }
  try {
    const parsed = parseArgs({
      args: rest,
      options: { ...command.options, ...GLOBAL_OPTIONS },
      allowPositionals: true,
      strict: true,
    });
    return { problems: [], verb, values: parsed.values };
  } catch (error) {
    return { problems: [`shadowdiff ${verb}: ${(error as Error).message}`], verb, values: {} };
  }
}
