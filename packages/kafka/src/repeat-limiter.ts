/**
 * Writes a line unless one of the same kind (its text up to the first digit or parenthesis, so
 * ports, ids and error details do not make lines different) went out within `intervalMs`; the next
 * line of that kind says how many were held back.
 */
export class RepeatLimiter {
  private readonly seen = new Map<string, { at: number; held: number }>();

  constructor(
    private readonly log: (line: string) => void,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  write(line: string): void {
    const kind = /^[^\d(]*/.exec(line)?.[0] ?? line;
    const now = this.now();
    const last = this.seen.get(kind);
    if (last !== undefined && now - last.at < this.intervalMs) {
      last.held += 1;
      return;
    }
    const held = last?.held ?? 0;
    this.seen.set(kind, { at: now, held: 0 });
    if (this.seen.size > 256) this.seen.delete(this.seen.keys().next().value as string);
    this.log(held > 0 ? `${line} (${held} similar lines held back)` : line);
  }
}
