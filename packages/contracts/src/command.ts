import type { Meter } from '@opentelemetry/api';
import type { ShadowdiffConfig } from './config/config.js';

/** One `shadowdiff <verb>` option, in node:util parseArgs terms, plus help text. */
export interface CommandOption {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Shown in --help; say the default. */
  description: string;
}

/** Where a command writes: stdout for data, stderr for progress and logs. */
export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Resolves when the user asks to stop (SIGINT/SIGTERM). */
  stopSignal: AbortSignal;
  /**
   * The process's OTel meter (resource `deployment.environment.name=shadow`). The first call starts
   * the metrics SDK with the config's Prometheus endpoint / OTLP exporter; verbs that emit nothing
   * never call it.
   */
  meter(scope: string): Meter;
  /** Flushes and stops telemetry (called by the CLI on exit; safe to call twice). */
  shutdownTelemetry(): Promise<void>;
}

export type OptionValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

/**
 * A `shadowdiff` verb. The CLI parses flags with `options`, reads the config file (`--config`),
 * deep-merges `overrides(values)` onto it, validates once, then calls `run`. Exit codes: 0 ok,
 * 1 failure (or gate fail), 2 usage / not enough evidence, as each verb documents.
 */
export interface Command {
  name: string;
  summary: string;
  /** Lines after `Usage: shadowdiff <name>`; examples welcome. */
  usage: string;
  options: Record<string, CommandOption>;
  /** Turns flag values into a partial raw config; flags win over the file. */
  overrides?(values: OptionValues): Record<string, unknown>;
  run(
    config: ShadowdiffConfig,
    values: OptionValues,
    positionals: string[],
    io: CommandIo,
  ): Promise<number>;
}
