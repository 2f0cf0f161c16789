export interface ProgressStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
}

const WIDTH = 24;

/** `label [#######.........] 12/40` */
export function renderProgress(label: string, done: number, total: number): string {
  const ratio = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(ratio * WIDTH);
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${total}`;
}

/**
 * Progress on stderr: redrawn in place on a terminal, a line per quarter elsewhere (CI logs stay
 * short). Quiet for work that finishes in a handful of steps.
 */
export function progressReporter(
  stream: ProgressStream,
  label: string,
): { update(done: number, total: number): void; finish(): void } {
  let lastQuarter = -1;
  let drawn = false;
  return {
    update(done, total) {
      if (total < 5) return;
      if (stream.isTTY) {
        stream.write(`\r${renderProgress(label, done, total)}`);
        drawn = true;
        return;
      }
      const quarter = Math.floor((done / total) * 4);
      if (quarter === lastQuarter) return;
      lastQuarter = quarter;
      stream.write(`${renderProgress(label, done, total)}\n`);
    },
    finish() {
      if (drawn) stream.write('\n');
    },
  };
}
