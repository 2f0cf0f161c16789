import { randomBytes } from 'node:crypto';
import type { Meter } from '@opentelemetry/api';
import type { ShadowdiffConfig } from '@shadowdiff/contracts';
import { startTap } from '@shadowdiff/tap';
import type { TapHandle } from '@shadowdiff/tap';
import { startEmbedded } from '../embedded/pipeline.js';
import type { EmbeddedPipeline } from '../embedded/pipeline.js';
import { autosave, loadState } from '../embedded/state-dir.js';
import type { LoadedState } from '../embedded/state-dir.js';
import { openVerdictFile } from './verdict-file.js';

export interface RunSessionOptions {
  /** Validated config in mirror mode (`tap.primary`, `tap.shadow` set). */
  config: ShadowdiffConfig;
  meter: Meter;
  log: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** `--verdicts-out`: append every verdict, one JSON per line. */
  verdictsOut?: string;
  /** `--state`: load from and save to this directory. */
  stateDir?: string;
  /** How often `--state` is saved while running. Default 10 s. */
  saveEveryMs?: number;
}

export interface RunSession {
  tap: TapHandle;
  embedded: EmbeddedPipeline;
  /** Epoch ms the session started. */
  started: number;
  /** What `--state` held at start; undefined without it or when it was empty. */
  resumed: LoadedState['resumed'];
  /**
   * Stops in order: the tap (in-flight requests and shadow calls finish, records flush to the
   * bus), then waits until the worker has taken them in, stops the worker and console, saves
   * `--state` a last time and closes `--verdicts-out`.
   */
  stop(): Promise<void>;
}

/** The tap in mirror mode in front of the embedded pipeline, with optional state and verdict file. */
export async function startRunSession(options: RunSessionOptions): Promise<RunSession> {
  const { config, log } = options;
  const started = Date.now();
  const state = options.stateDir
    ? loadState(options.stateDir, config.worker.examplesPerPath)
    : undefined;
  const verdicts = options.verdictsOut ? openVerdictFile(options.verdictsOut) : undefined;
  let embedded: EmbeddedPipeline | undefined;
  try {
    embedded = await startEmbedded({
      config,
      meter: options.meter,
      log,
      env: options.env,
      consoleListenFlag: '--console-listen',
      ...(state ? { samples: state.samples, noise: state.noise } : {}),
      ...(verdicts ? { onVerdict: (value: Uint8Array) => verdicts.write(value) } : {}),
    });
    const keyEnv = config.tap.redact.keyEnv;
    const tap = await startTap({
      config,
      publisher: embedded.publisher,
      meter: options.meter,
      env: options.env,
      // One tap records both sides here, so a per-process key pairs them: no shared secret needed.
      ...(options.env[keyEnv] ? {} : { redactKey: randomBytes(32) }),
      log,
      publisherStatus: () => ({ kind: 'memory', consumer: 'in-process worker' }),
    });
    const saver =
      options.stateDir && state
        ? autosave(options.stateDir, state.samples, state.noise, options.saveEveryMs ?? 10_000, log)
        : undefined;
    const pipeline = embedded;
    let stopping: Promise<void> | undefined;
    return {
      tap,
      embedded: pipeline,
      started,
      resumed: state?.resumed,
      stop: () =>
        (stopping ??= (async () => {
          await tap.close();
          await settle(pipeline, config.worker.windowMs + 2_000);
          await pipeline.close();
          await saver?.stop();
          await verdicts?.close();
        })()),
    };
  } catch (error) {
    await embedded?.close();
    await verdicts?.close();
    throw error;
  }
}

/** Waits until the worker's counters stop moving (it took in what the tap flushed), bounded. */
export async function settle(pipeline: EmbeddedPipeline, boundMs: number): Promise<void> {
  const deadline = Date.now() + boundMs;
  const snapshot = () => {
    const c = pipeline.worker.counters;
    return `${c.records}/${c.verdicts}/${c.paired}/${c.orphaned}`;
  };
  let last = snapshot();
  let quietSince = Date.now();
  while (Date.now() < deadline && Date.now() - quietSince < 300) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = snapshot();
    if (now !== last) {
      last = now;
      quietSince = Date.now();
    }
  }
}
