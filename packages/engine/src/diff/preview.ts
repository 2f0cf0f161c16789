/** Longest string kept in a diff entry; verdicts go to Kafka and must stay small. */
export const PREVIEW_CHARS = 120;

/**
 * A bounded stand-in for a value in a DiffEntry: scalars as they are (strings cut at
 * {@link PREVIEW_CHARS} with `…`), objects and arrays as JSON text cut at the same length. The
 * example pairs kept for the console hold the full bodies; the verdict only points at them.
 */
export function preview(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.length > PREVIEW_CHARS ? value.slice(0, PREVIEW_CHARS) + '…' : value;
  }
  if (value === null || typeof value !== 'object') return value;
  const budget = { left: PREVIEW_CHARS };
  const out = write(value, budget);
  return budget.left < 0 ? out.slice(0, PREVIEW_CHARS) + '…' : out;
}

/** JSON text that stops descending once the budget is spent, so a huge subtree costs little. */
function write(value: unknown, budget: { left: number }): string {
  if (budget.left < 0) return '';
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value) ?? 'null';
    budget.left -= s.length;
    return s;
  }
  const isArray = Array.isArray(value);
  let out = isArray ? '[' : '{';
  budget.left -= 1;
  const keys = isArray ? undefined : Object.keys(value);
  const n = isArray ? value.length : (keys as string[]).length;
  for (let i = 0; i < n && budget.left >= 0; i++) {
    if (i > 0) {
      out += ',';
      budget.left -= 1;
    }
    if (isArray) {
      out += write(value[i], budget);
    } else {
      const k = (keys as string[])[i] as string;
      const ks = JSON.stringify(k) + ':';
      budget.left -= ks.length;
      out += ks + write((value as Record<string, unknown>)[k], budget);
    }
  }
  budget.left -= 1;
  return out + (isArray ? ']' : '}');
}
