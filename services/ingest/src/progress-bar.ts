export interface ProgressStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
}

export interface ProgressBar {
  update(done: number): void;
  /** Draws the final state and ends the line. */
  finish(): void;
}

const WIDTH = 30;

/** `label [######........] 120/500 24%` */
export function renderProgress(label: string, done: number, total: number): string {
  const ratio = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(ratio * WIDTH);
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${total} ${Math.floor(ratio * 100)}%`;
}

/**
 * A progress bar for stderr. On a terminal it redraws one line in place; elsewhere (CI logs, files)
 * it prints a line per 10% so logs stay short.
 */
export function createProgressBar(
  stream: ProgressStream,
  label: string,
  total: number,
): ProgressBar {
  let lastStep = -1;
  let current = 0;
  const draw = (): void => {
    if (stream.isTTY) {
      stream.write(`\r${renderProgress(label, current, total)}`);
      return;
    }
    const step = total === 0 ? 10 : Math.floor((current / total) * 10);
    if (step === lastStep) return;
    lastStep = step;
    stream.write(`${renderProgress(label, current, total)}\n`);
  };
  return {
    update(done) {
      current = done;
      draw();
    },
    finish() {
      draw();
      if (stream.isTTY) stream.write('\n');
    },
  };
}
