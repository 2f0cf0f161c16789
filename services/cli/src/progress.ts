/**
 * A one-line progress bar on stderr (redrawn in place on a TTY, a line every 10% otherwise), so long
 * work shows it is alive without flooding logs.
 */
export class ProgressBar {
  private done = 0;
  private lastDecile = -1;
  private readonly started = Date.now();

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly label: string,
    private readonly total: number,
  ) {}

  tick(count = 1): void {
    this.done = Math.min(this.total, this.done + count);
    const decile = this.total === 0 ? 10 : Math.floor((this.done / this.total) * 10);
    if (this.out.isTTY) {
      this.out.write(`\r${this.line()}`);
    } else if (decile !== this.lastDecile) {
      // Not a terminal (CI, a pipe): one line per 10%, never a flood of carriage returns.
      this.lastDecile = decile;
      this.out.write(`${this.line()}\n`);
    }
  }

  finish(): void {
    if (this.out.isTTY) {
      this.out.write(`\r${this.line()}\n`);
    } else if (this.lastDecile !== 10) {
      this.lastDecile = 10;
      this.out.write(`${this.line()}\n`);
    }
  }

  private line(): string {
    const fraction = this.total === 0 ? 1 : this.done / this.total;
    const seconds = (Date.now() - this.started) / 1000;
    const rate = seconds > 0 ? Math.round(this.done / seconds) : 0;
    const width = 30;
    const filled = Math.round(fraction * width);
    return `${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${this.done}/${this.total} ${rate}/s`;
  }
}
