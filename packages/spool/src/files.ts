import { open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where replay stands: segments before `seq` are done, `seq` is done up to `offset`. */
export interface Cursor {
  seq: number;
  offset: number;
}

const CURSOR = 'cursor.json';
const LOCK = 'lock';

export async function readCursor(dir: string): Promise<Cursor | undefined> {
  try {
    const value = JSON.parse(await readFile(join(dir, CURSOR), 'utf8')) as Partial<Cursor>;
    return Number.isSafeInteger(value.seq) && Number.isSafeInteger(value.offset)
      ? { seq: value.seq as number, offset: value.offset as number }
      : undefined;
  } catch {
    // Missing or half-written: replay from the oldest segment (the worker absorbs repeats).
    return undefined;
  }
}

/** Written beside and renamed over, so a crash leaves the old cursor or the new one. */
export async function writeCursor(dir: string, cursor: Cursor): Promise<void> {
  const tmp = join(dir, `${CURSOR}.tmp`);
  await writeFile(tmp, JSON.stringify(cursor));
  await rename(tmp, join(dir, CURSOR));
}

/** Error thrown when another live process holds the spool directory. */
export class SpoolLockedError extends Error {
  readonly code = 'ERR_SPOOL_LOCKED';
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`spool directory ${dir} is in use by process ${pid}`);
    this.name = 'SpoolLockedError';
  }
}

/**
 * Takes the directory for this process: two processes appending to one spool would interleave
 * segments and replay each other's records. A lock left by a dead process is taken over.
 */
export async function lockDir(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, LOCK);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => unlink(path).catch(() => {});
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new SpoolLockedError(dir, pid);
      }
      await unlink(path).catch(() => {});
    }
  }
  throw new Error(`cannot lock spool directory ${dir}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
