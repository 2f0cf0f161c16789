import type { Command } from '@shadowdiff/contracts';
import { demoCommand } from './demo-command.js';
import { upCommand } from './up-command.js';
import { runCommand } from './run/run-command.js';
import { replayCommand } from './replay/replay-command.js';
import { vpcIngestCommand } from './vpc/vpc-ingest-command.js';
import { tapCommand } from '@shadowdiff/tap';
import { noiseCommand, workerCommand } from '@shadowdiff/worker';
import { goreplayCommand, importHarCommand } from '@shadowdiff/ingest';
import { consoleCommand, gateCommand, reportCommand } from '@shadowdiff/console';

/** Every `shadowdiff` verb. Services export their commands; this list is the CLI's contract. */
export const COMMANDS: readonly Command[] = [
  demoCommand,
  runCommand,
  upCommand,
  replayCommand,
  tapCommand,
  workerCommand,
  goreplayCommand,
  importHarCommand,
  vpcIngestCommand,
  consoleCommand,
  reportCommand,
  gateCommand,
  noiseCommand,
];
