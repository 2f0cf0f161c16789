import type { Command } from '@shadowdiff/contracts';
import { describe, expect, it } from 'vitest';
import { checkCliArgs } from './cli-args.js';

const commands: Command[] = [
  {
    name: 'gate',
    summary: '',
    usage: '',
    options: {
      'min-pairs': { type: 'string', description: '' },
      json: { type: 'boolean', description: '' },
    },
    run: () => Promise.resolve(0),
  },
];

describe('checkCliArgs', () => {
  it('accepts a registered verb with its own and the global flags', () => {
    expect(
      checkCliArgs(['gate', '-c', '/x.yaml', '--min-pairs', '{{args.n}}', '--json'], commands),
    ).toEqual({
      problems: [],
      verb: 'gate',
      values: { config: '/x.yaml', 'min-pairs': '{{args.n}}', json: true },
    });
  });

  it('rejects an unknown verb, an unknown flag and a flag missing its value', () => {
    expect(checkCliArgs(['gates'], commands).problems[0]).toMatch(
      /unknown verb 'gates' \(shadowdiff has: gate\)/,
    );
    expect(checkCliArgs(['gate', '--min-pair', '5'], commands).problems[0]).toMatch(
      /Unknown option '--min-pair'/,
    );
    expect(checkCliArgs(['gate', '--min-pairs'], commands).problems[0]).toMatch(/argument missing/);
  });
});
