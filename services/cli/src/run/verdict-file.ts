import { closeSync, createWriteStream, openSync } from 'node:fs';
import { UsageError } from '@shadowdiff/contracts';

const NEWLINE = Buffer.from('\n');

/**
 * `--verdicts-out FILE`: every verdict appended as one line of Verdict v1 JSON, in the order the
 * worker decides them. Opened (created) up front, so a bad path fails before traffic flows.
 */
export function openVerdictFile(path: string): {
  write(value: Uint8Array): void;
  readonly written: number;
  close(): Promise<void>;
} {
  let fd: number;
  try {
    fd = openSync(path, 'a');
  } catch (error) {
    throw new UsageError(
      `--verdicts-out ${path}: cannot open for appending: ${(error as Error).message} — pass a writable file path`,
    );
  }
  const stream = createWriteStream('', { fd, autoClose: false });
  let written = 0;
  let failure: Error | undefined;
  stream.on('error', (error) => (failure ??= error));
  return {
    write(value) {
      if (failure) return;
      stream.write(value);
      stream.write(NEWLINE);
      written++;
    },
    get written() {
      return written;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        stream.end(() => {
          closeSync(fd);
          if (failure) reject(new Error(`--verdicts-out ${path}: ${failure.message}`));
          else resolve();
        });
      }),
  };
}
