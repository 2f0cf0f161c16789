import type {
  DiffEntry,
  DiffKind,
  DiffOp,
  Severity,
  SuppressReason,
  SuppressedEntry,
} from '@shadowdiff/contracts';

/** Distinct entries kept per verdict; the rest fold into one `(other)` entry per kind. */
export const MAX_ENTRIES = 200;

const RANK: Record<Severity, number> = { critical: 0, major: 1, minor: 2, info: 3 };

/** Result of a diff: reported drift and what was deliberately left out. */
export interface DiffResult {
  diffs: DiffEntry[];
  suppressed: SuppressedEntry[];
}

type Slot<T> = T | T[];

/** The entry of `slot` with this kind and op (or reason): plain loops, no closures per call. */
function findDiff(
  slot: Slot<DiffEntry> | undefined,
  kind: DiffKind,
  op: DiffOp,
): DiffEntry | undefined {
  if (slot === undefined) return undefined;
  if (!Array.isArray(slot)) return slot.kind === kind && slot.op === op ? slot : undefined;
  for (const e of slot) if (e.kind === kind && e.op === op) return e;
  return undefined;
}

function hasSuppressed(
  slot: Slot<SuppressedEntry> | undefined,
  kind: DiffKind,
  reason: SuppressReason,
): boolean {
  if (slot === undefined) return false;
  if (!Array.isArray(slot)) return slot.kind === kind && slot.reason === reason;
  for (const e of slot) if (e.kind === kind && e.reason === reason) return true;
  return false;
}

function add<T>(map: Map<string, Slot<T>>, path: string, slot: Slot<T> | undefined, entry: T) {
  if (slot === undefined) map.set(path, entry);
  else if (Array.isArray(slot)) slot.push(entry);
  else map.set(path, [slot, entry]);
}

function flatten<T>(map: Map<string, Slot<T>> | undefined, out: T[]): T[] {
  if (map === undefined) return out;
  for (const slot of map.values()) {
    if (Array.isArray(slot)) out.push(...slot);
    else out.push(slot);
  }
  return out;
}

/**
 * Gathers diff and suppressed entries for one pair, one entry per kind + op + collapsed path
 * (`/items/0/price` and `/items/7/price` are one finding; the first pair of values is kept).
 * It runs once per changed field, so entries are keyed by the (interned) path alone — almost
 * every path has one entry — and no composite keys are built on the hot path.
 */
export class DiffCollector {
  private diffMap: Map<string, Slot<DiffEntry>> | undefined;
  private suppressedMap: Map<string, Slot<SuppressedEntry>> | undefined;
  private diffCount = 0;
  private suppressedCount = 0;

  /** Whether a finding for this kind + op + path is already recorded (skip building another). */
  has(kind: DiffKind, op: DiffOp, path: string): boolean {
    return findDiff(this.diffMap?.get(path), kind, op) !== undefined;
  }

  diff(entry: DiffEntry): void {
    const map = (this.diffMap ??= new Map());
    const slot = map.get(entry.path);
    if (findDiff(slot, entry.kind, entry.op) !== undefined) return;
    if (this.diffCount >= MAX_ENTRIES) {
      this.overflow(map, entry.kind, entry.severity);
      return;
    }
    add(map, entry.path, slot, entry);
    this.diffCount++;
  }

  suppress(kind: DiffKind, path: string, reason: SuppressReason): void {
    const map = (this.suppressedMap ??= new Map());
    const slot = map.get(path);
    if (hasSuppressed(slot, kind, reason)) return;
    if (this.suppressedCount >= MAX_ENTRIES) return;
    add(map, path, slot, { kind, path, reason });
    this.suppressedCount++;
  }

  /** Distinct findings so far. */
  get size(): number {
    return this.diffCount;
  }

  private overflow(map: Map<string, Slot<DiffEntry>>, kind: DiffKind, severity: Severity): void {
    const path = '(other)';
    const slot = map.get(path);
    const existing = findDiff(slot, kind, 'replace');
    if (existing === undefined) {
      add(map, path, slot, { kind, path, op: 'replace', severity });
    } else if (RANK[severity] < RANK[existing.severity]) {
      existing.severity = severity;
    }
  }

  /**
   * Findings most severe first, each severity in walk order (deterministic for a given pair);
   * suppressed entries in walk order. `filter` (the noise hook) may move findings into
   * `suppressed` by returning a reason.
   */
  result(filter?: (entry: DiffEntry) => SuppressReason | undefined): DiffResult {
    let diffs = flatten(this.diffMap, []);
    if (filter !== undefined && diffs.length > 0) {
      diffs = diffs.filter((entry) => {
        const reason = filter(entry);
        if (reason === undefined) return true;
        this.suppress(entry.kind, entry.path, reason);
        return false;
      });
    }
    return { diffs: bySeverity(diffs), suppressed: flatten(this.suppressedMap, []) };
  }
}

/** Stable counting sort by severity rank (walk order kept within a severity); no comparator. */
function bySeverity(diffs: DiffEntry[]): DiffEntry[] {
  const n = diffs.length;
  if (n < 2) return diffs;
  const offsets = [0, 0, 0, 0];
  let previous = 0;
  let ordered = true;
  for (const e of diffs) {
    const r = RANK[e.severity];
    (offsets[r] as number)++;
    if (r < previous) ordered = false;
    previous = r;
  }
  if (ordered) return diffs;
  let at = 0;
  for (let r = 0; r < 4; r++) {
    const count = offsets[r] as number;
    offsets[r] = at;
    at += count;
  }
  const out = new Array<DiffEntry>(n);
  for (const e of diffs) {
    const r = RANK[e.severity];
    out[offsets[r] as number] = e;
    (offsets[r] as number)++;
  }
  return out;
}
