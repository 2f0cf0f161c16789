import type { Command } from '@shadowdiff/contracts';
import { demoCommand } from './demo-command.js';

/** Every `shadowdiff` verb. Services export their commands; this list is the CLI's contract. */
export const COMMANDS: readonly Command[] = [demoCommand];
