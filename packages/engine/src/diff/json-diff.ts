import type { DiffEntry } from '@shadowdiff/contracts';
import type { ToleranceRule } from '../route/compile-rules.js';
import { ANY } from '../normalize/json-pointer.js';
import type { PointerPattern } from '../normalize/json-pointer.js';
import type { DiffCollector } from './collector.js';
import { JsonWalk } from './json-walk.js';
import { preview } from './preview.js';
import { scalarNoise } from './scalar-noise.js';
import type { DiffScope } from './scalar-noise.js';

/** JSON type names; a change between them is a type change (`major`). */
export type JsonType = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

export function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    default:
      return 'object';
  }
}

const NO_PATTERNS: readonly PointerPattern[] = [];
const NO_TOLERANCE: readonly ToleranceRule[] = [];

/** Turns each JSON Patch operation of the walk into a finding (see {@link diffJson}). */
class JsonDiffer extends JsonWalk {
  private readonly ignore: readonly PointerPattern[];
  private readonly tolerance: readonly ToleranceRule[];

  constructor(
    private readonly scope: DiffScope,
    private readonly out: DiffCollector,
  ) {
    super(scope.rule?.arrays.some((r) => r.mode.kind === 'key') ?? false);
    this.ignore = scope.rule?.ignore ?? NO_PATTERNS;
    this.tolerance = scope.rule?.tolerance ?? NO_TOLERANCE;
  }

  run(a: unknown, b: unknown): void {
    if (a === b) return;
    if (
      typeof a === 'object' &&
      a !== null &&
      typeof b === 'object' &&
      b !== null &&
      Array.isArray(a) === Array.isArray(b)
    ) {
      this.walk(a, b);
    } else {
      this.replaced(a, b);
    }
  }

  /** Whether `pattern` matches the current location or one of its ancestors. */
  private under(pattern: PointerPattern): boolean {
    if (pattern.length > this.depth) return false;
    for (let i = 0; i < pattern.length; i++) {
      const p = pattern[i];
      if (p !== ANY && p !== this.segment(i + 1)) return false;
    }
    return true;
  }

  private ignored(): boolean {
    for (const p of this.ignore) {
      if (this.under(p)) {
        this.out.suppress('body', this.path(), 'rule');
        return true;
      }
    }
    return false;
  }

  /** Records `entry` with its concrete location when that crosses an array. */
  private emit(entry: DiffEntry): void {
    const at = this.at();
    if (at !== undefined) entry.at = at;
    this.out.diff(entry);
  }

  protected removed(oldValue: unknown): void {
    if (this.ignore.length > 0 && this.ignored()) return;
    const path = this.path();
    if (this.out.has('body', 'remove', path)) return;
    this.emit({ kind: 'body', path, op: 'remove', severity: 'major', primary: preview(oldValue) });
  }

  protected added(newValue: unknown): void {
    if (this.ignore.length > 0 && this.ignored()) return;
    const path = this.path();
    if (this.out.has('body', 'add', path)) return;
    this.emit({ kind: 'body', path, op: 'add', severity: 'info', shadow: preview(newValue) });
  }

  protected reordered(primary: unknown[], shadow: unknown[]): void {
    if (this.ignore.length > 0 && this.ignored()) return;
    const path = this.path();
    if (this.out.has('body', 'reorder', path)) return;
    this.emit({ kind: 'body', path, op: 'reorder', severity: 'minor', primary, shadow });
  }

  protected replaced(a: unknown, b: unknown): void {
    if (this.ignore.length > 0 && this.ignored()) return;
    const out = this.out;
    if (jsonType(a) !== jsonType(b)) {
      const path = this.path();
      if (out.has('body', 'type', path)) return;
      this.emit({
        kind: 'body',
        path,
        op: 'type',
        severity: 'major',
        primary: preview(a),
        shadow: preview(b),
      });
      return;
    }
    let tolerance: ToleranceRule | undefined;
    if (this.tolerance.length > 0 && typeof a === 'number') {
      tolerance = this.tolerance.find((t) => this.under(t.pointer));
    }
    const key = this.depth > 0 ? this.segment(this.depth) : '';
    const reason = scalarNoise(a, b, key, tolerance, this.scope.rules);
    const path = this.path();
    if (reason !== undefined) {
      out.suppress('body', path, reason);
      return;
    }
    if (out.has('body', 'replace', path)) return;
    this.emit({
      kind: 'body',
      path,
      op: 'replace',
      severity: 'minor',
      primary: preview(a),
      shadow: preview(b),
    });
  }
}

/**
 * Diffs two normalized JSON documents. The walk yields the JSON Patch operations fast-json-patch
 * `compare` would for objects, and aligns arrays by identity key or value (see `JsonWalk`); each
 * becomes a finding: `remove` → major, `add` → info, `reorder` → minor, `replace` across JSON
 * types → `type` major, other `replace` → minor unless a volatile detector or tolerance explains
 * it (then suppressed). Findings under an array carry `at`, the concrete location. Operations at or under an ignored pointer are
 * suppressed with reason `rule`.
 */
export function diffJson(a: unknown, b: unknown, scope: DiffScope, out: DiffCollector): void {
  new JsonDiffer(scope, out).run(a, b);
}
