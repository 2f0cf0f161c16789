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
const KIND: Record<DiffKind, number> = { status: 0, header: 1, body: 2 };
const OP: Record<DiffOp, number> = { add: 0, remove: 1, replace: 2, type: 3 };
const REASON: Record<SuppressReason, number> = { rule: 0, volatile: 1, learned: 2, secondary: 3 };

/** Result of a diff: reported drift and what was deliberately left out. */
export interface DiffResult {
  diffs: DiffEntry[];
  suppressed: SuppressedEntry[];
}

/**
 * Gathers diff and suppressed entries for one pair, one entry per kind + op + collapsed path
 * (`/items/0/price` and `/items/7/price` are one finding; the first pair of values is kept).
 * It runs once per changed field, so entries live in small per-(kind, op) maps keyed by path:
 * no composite key strings are built on the hot path.
 */
export class DiffCollector {
  private diffMaps: (Map<string, DiffEntry> | undefined)[] | undefined;
  private suppressedMaps: (Map<string, SuppressedEntry> | undefined)[] | undefined;
  private diffCount = 0;
  private suppressedCount = 0;

  /** Whether a finding for this kind + op + path is already recorded (skip building another). */
  has(kind: DiffKind, op: DiffOp, path: string): boolean {
    return this.diffMaps?.[KIND[kind] * 4 + OP[op]]?.has(path) === true;
  }

  diff(entry: DiffEntry): void {
    const maps = (this.diffMaps ??= []);
    const slot = KIND[entry.kind] * 4 + OP[entry.op];
    let map = maps[slot];
    if (map === undefined) map = maps[slot] = new Map();
    if (map.has(entry.path)) return;
    if (this.diffCount >= MAX_ENTRIES) {
      this.overflow(entry.kind, entry.severity);
      return;
    }
    map.set(entry.path, entry);
    this.diffCount++;
  }

  suppress(kind: DiffKind, path: string, reason: SuppressReason): void {
    const maps = (this.suppressedMaps ??= []);
    const slot = KIND[kind] * 4 + REASON[reason];
    let map = maps[slot];
    if (map === undefined) map = maps[slot] = new Map();
    if (map.has(path) || this.suppressedCount >= MAX_ENTRIES) return;
    map.set(path, { kind, path, reason });
    this.suppressedCount++;
  }

  /** Distinct findings so far. */
  get size(): number {
    return this.diffCount;
  }

  private overflow(kind: DiffKind, severity: Severity): void {
    const maps = this.diffMaps as (Map<string, DiffEntry> | undefined)[];
    const slot = KIND[kind] * 4 + OP.replace;
    let map = maps[slot];
    if (map === undefined) map = maps[slot] = new Map();
    const existing = map.get('(other)');
    if (existing === undefined) {
      map.set('(other)', { kind, path: '(other)', op: 'replace', severity });
    } else if (RANK[severity] < RANK[existing.severity]) {
      existing.severity = severity;
    }
  }

  /**
   * Findings most severe first, each severity in walk order (deterministic for a given pair, so
   * no sort is needed: sorting cost more than collecting on small bodies); suppressed entries in
   * walk order. `filter` (the noise hook) may move findings into `suppressed` by returning a
   * reason.
   */
  result(filter?: (entry: DiffEntry) => SuppressReason | undefined): DiffResult {
    const bySeverity: DiffEntry[][] = [[], [], [], []];
    if (this.diffMaps !== undefined) {
      for (const map of this.diffMaps) {
        if (map === undefined) continue;
        for (const entry of map.values()) {
          const reason = filter?.(entry);
          if (reason === undefined) (bySeverity[RANK[entry.severity]] as DiffEntry[]).push(entry);
          else this.suppress(entry.kind, entry.path, reason);
        }
      }
    }
    const [critical, major, minor, info] = bySeverity as [
      DiffEntry[],
      DiffEntry[],
      DiffEntry[],
      DiffEntry[],
    ];
    const diffs = critical.concat(major, minor, info);
    const suppressed: SuppressedEntry[] = [];
    if (this.suppressedMaps !== undefined) {
      for (const map of this.suppressedMaps) {
        if (map !== undefined) for (const entry of map.values()) suppressed.push(entry);
      }
    }
    return { diffs, suppressed };
  }
}
