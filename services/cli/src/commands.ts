import type { Command } from '@shadowdiff/contracts';
import { demoCommand } from './demo-command.js';
import { tapCommand } from '@shadowdiff/tap';
import { workerCommand } from '@shadowdiff/worker';
import { goreplayCommand, importHarCommand } from '@shadowdiff/ingest';

/** Every `shadowdiff` verb. Services export their commands; this list is the CLI's contract. */
export const COMMANDS: readonly Command[] = [
  demoCommand,
  tapCommand,
  workerCommand,
  goreplayCommand,
  importHarCommand,
];
