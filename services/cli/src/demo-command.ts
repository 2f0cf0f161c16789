import type { Command } from '@shadowdiff/contracts';

/**
 * `shadowdiff demo`: the README's main job. Until the embedded pipeline lands it states its plan
 * and exits 0, so the README's first command never fails on a fresh clone.
 */
export const demoCommand: Command = {
  name: 'demo',
  summary:
    'Run the whole pipeline in one process on sample services with seeded drift (no Kafka/Redis)',
  usage: '[options]',
  options: {},
  run(_config, _values, _positionals, io) {
    io.stdout.write(
      [
        'shadowdiff demo will:',
        '  1. start a sample primary and a sample shadow service (seeded drift and noise)',
        '  2. start the mirror tap in front of them',
        '  3. run the worker on in-memory adapters and the console',
        '  4. drive traffic with a progress bar and print the drift summary and console URL',
        'The embedded pipeline is not wired into this build yet; nothing was started.',
        '',
      ].join('\n'),
    );
    return Promise.resolve(0);
  },
};
