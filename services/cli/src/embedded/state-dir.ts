import { mkdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '@shadowdiff/contracts';
import { MemoryNoiseStore, MemorySampleStore } from '@shadowdiff/memory';
import type { MemoryNoiseState, MemorySampleState } from '@shadowdiff/memory';

/** The files `--state DIR` holds; each is rewritten whole (temp file + rename), never in place. */
export const STATE_FILES = {
  noise: 'noise-stats.json',
  decisions: 'noise-decisions.json',
  routes: 'route-stats.json',
} as const;

const STATE_VERSION = 1;

export interface LoadedState {
  samples: MemorySampleStore;
  noise: MemoryNoiseStore;
  /** What was found, for the start-up line. */
  resumed: { routes: number; noiseEntries: number; decisions: number } | undefined;
}

function readState<T>(dir: string, file: string): T | undefined {
  const path = join(dir, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(
      `--state ${dir}: cannot read ${file}: ${(error as Error).message} — fix its permissions, or pass another --state directory`,
    );
  }
  let parsed: { version?: unknown; state?: T };
  try {
    parsed = JSON.parse(text) as { version?: unknown; state?: T };
  } catch (error) {
    throw new UsageError(
      `--state ${dir}: ${file} is not valid JSON (${(error as Error).message}) — delete it to start that part afresh`,
    );
  }
  if (parsed.version !== STATE_VERSION || parsed.state === undefined) {
    throw new UsageError(
      `--state ${dir}: ${file} is not a shadowdiff state file of version ${STATE_VERSION} — delete it to start that part afresh`,
    );
  }
  return parsed.state;
}

/**
 * Opens (creating it when missing) a state directory and loads what a previous run saved: learned
 * noise (statistics with their sketches, learned marks), noise decisions, and route statistics
 * with their examples. Missing files mean a fresh start for that part.
 */
export function loadState(dir: string, examplesPerKey: number): LoadedState {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new UsageError(
      `--state ${dir}: cannot create the directory: ${(error as Error).message} — pass a writable path`,
    );
  }
  const samples = new MemorySampleStore({ examplesPerKey });
  const noise = new MemoryNoiseStore();
  const stats = readState<MemoryNoiseState>(dir, STATE_FILES.noise);
  const decisions = readState<MemoryNoiseState>(dir, STATE_FILES.decisions);
  const routes = readState<MemorySampleState>(dir, STATE_FILES.routes);
  if (stats) noise.importState(stats);
  if (decisions) noise.importState(decisions);
  if (routes) samples.importState(routes);
  const found = stats !== undefined || decisions !== undefined || routes !== undefined;
  return {
    samples,
    noise,
    resumed: found
      ? {
          routes: routes?.routes.length ?? 0,
          noiseEntries: (stats?.services ?? []).reduce(
            (n, s) => n + s.routes.reduce((m, r) => m + r.entries.length, 0),
            0,
          ),
          decisions: (decisions?.services ?? []).reduce((n, s) => n + s.decisions.length, 0),
        }
      : undefined,
  };
}

async function writeAtomic(dir: string, file: string, state: unknown): Promise<void> {
  const path = join(dir, file);
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify({ version: STATE_VERSION, state })}\n`);
  await rename(temp, path);
}

/** Writes the three state files (each atomically: a reader sees the old file or the new one). */
export async function saveState(
  dir: string,
  samples: MemorySampleStore,
  noise: MemoryNoiseStore,
): Promise<void> {
  const all = noise.exportState();
  const stats: MemoryNoiseState = {
    services: all.services.map((s) => ({ ...s, decisions: [] })),
  };
  const decisions: MemoryNoiseState = {
    services: all.services.map((s) => ({ ...s, routes: [], learned: [] })),
  };
  await writeAtomic(dir, STATE_FILES.noise, stats);
  await writeAtomic(dir, STATE_FILES.decisions, decisions);
  await writeAtomic(dir, STATE_FILES.routes, samples.exportState());
}

/**
 * Saves every `intervalMs` (one save at a time; a failure is logged and retried next tick) and
 * once more on `stop()`, which resolves when that last save is written.
 */
export function autosave(
  dir: string,
  samples: MemorySampleStore,
  noise: MemoryNoiseStore,
  intervalMs: number,
  log: (line: string) => void,
): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const save = (): Promise<void> =>
    (running ??= saveState(dir, samples, noise)
      .catch((error: unknown) => log(`state: cannot save to ${dir}: ${(error as Error).message}`))
      .finally(() => {
        running = undefined;
      }));
  const timer = setInterval(() => void save(), intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
      await save();
    },
  };
}
