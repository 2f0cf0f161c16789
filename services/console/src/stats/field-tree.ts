import { SEVERITIES } from '@shadowdiff/contracts';
import type { DiffKind, Severity, SuppressReason } from '@shadowdiff/contracts';
import type { RouteStats } from '@shadowdiff/engine';
import type { NoiseState } from '../noise/console-noise.js';

/** Noise facts for one kind + path, as the route detail shows them. */
export interface NoiseFlag {
  state: NoiseState;
  id: string;
}

/**
 * One node of a route's field tree: `status`, `headers/<name>`, `body/<pointer segments>`. Counts at
 * a node are its own findings; `subtotal` adds its descendants', so a collapsed parent still says
 * how much drifts beneath it.
 */
export interface FieldNode {
  /** Segment label (`items`, `*`, `price`, a header name, `status`, `(root)`). */
  name: string;
  kind: DiffKind;
  /** Full path as the store keeps it (JSON pointer for bodies, header name, `status`); null for grouping nodes. */
  path: string | null;
  /** Diffs at exactly this path. */
  total: number;
  /** Diffs here and below. */
  subtotal: number;
  bySeverity: Partial<Record<Severity, number>>;
  /** Most serious severity seen here or below; undefined without diffs. */
  worst?: Severity;
  /** Findings at this path taken out as noise, by reason. */
  suppressed: number;
  suppressedBy: Partial<Record<SuppressReason, number>>;
  /** Learned-noise entry for this path, if any. */
  noise?: NoiseFlag;
  /** Share of compared pairs with a diff here (0..1); null without compared pairs. */
  rate: number | null;
  children: FieldNode[];
}

/** Splits a JSON pointer into unescaped segments; `''` (the body root) has none. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '' || !pointer.startsWith('/')) return pointer === '' ? [] : [pointer];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function node(name: string, kind: DiffKind, path: string | null): FieldNode {
  return {
    name,
    kind,
    path,
    total: 0,
    subtotal: 0,
    bySeverity: {},
    suppressed: 0,
    suppressedBy: {},
    rate: null,
    children: [],
  };
}

function child(parent: FieldNode, name: string, kind: DiffKind, path: string | null): FieldNode {
  let found = parent.children.find((c) => c.name === name);
  if (!found) {
    found = node(name, kind, path);
    parent.children.push(found);
  } else if (path !== null && found.path === null) {
    found.path = path;
  }
  return found;
}

function locate(roots: Record<DiffKind, FieldNode>, kind: DiffKind, path: string): FieldNode {
  const root = roots[kind];
  if (kind === 'status') {
    root.path = path;
    return root;
  }
  if (kind === 'header') return child(root, path, kind, path);
  const segments = pointerSegments(path);
  if (segments.length === 0) {
    root.path = path;
    return root;
  }
  let at = root;
  segments.forEach((seg, i) => {
    const prefix = i === segments.length - 1 ? path : null;
    at = child(at, seg, kind, prefix);
  });
  return at;
}

function worst(a: Severity | undefined, b: Severity | undefined): Severity | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return SEVERITIES.indexOf(a) <= SEVERITIES.indexOf(b) ? a : b;
}

function finish(n: FieldNode, compared: number): void {
  for (const c of n.children) finish(c, compared);
  n.children.sort(
    (a, b) =>
      b.subtotal - a.subtotal || b.suppressed - a.suppressed || a.name.localeCompare(b.name),
  );
  n.subtotal = n.total + n.children.reduce((sum, c) => sum + c.subtotal, 0);
  let w: Severity | undefined;
  for (const s of SEVERITIES) if ((n.bySeverity[s] ?? 0) > 0) w = worst(w, s);
  for (const c of n.children) w = worst(w, c.worst);
  if (w !== undefined) n.worst = w;
  n.rate = compared > 0 ? n.total / compared : null;
}

/**
 * The field tree of a route: three roots (status, headers, body) with every path that drifted or
 * was suppressed, diff counts by severity and noise flags. `noise` maps `kind path` to its entry.
 */
export function buildFieldTree(
  stats: Pick<RouteStats, 'paths' | 'suppressed' | 'outcomes'>,
  noise: ReadonlyMap<string, NoiseFlag> = new Map(),
): FieldNode[] {
  const roots: Record<DiffKind, FieldNode> = {
    status: node('status', 'status', null),
    header: node('headers', 'header', null),
    body: node('body', 'body', null),
  };
  const compared = stats.outcomes.match + stats.outcomes.diff;
  for (const p of stats.paths) {
    const n = locate(roots, p.kind, p.path);
    n.total += p.total;
    for (const [s, c] of Object.entries(p.bySeverity) as [Severity, number][]) {
      n.bySeverity[s] = (n.bySeverity[s] ?? 0) + c;
    }
  }
  for (const p of stats.suppressed) {
    const n = locate(roots, p.kind, p.path);
    n.suppressed += p.total;
    for (const [r, c] of Object.entries(p.byReason) as [SuppressReason, number][]) {
      n.suppressedBy[r] = (n.suppressedBy[r] ?? 0) + c;
    }
  }
  for (const [key, flag] of noise) {
    const space = key.indexOf(' ');
    const kind = key.slice(0, space) as DiffKind;
    if (!(kind in roots)) continue;
    locate(roots, kind, key.slice(space + 1)).noise = flag;
  }
  const out = [roots.status, roots.header, roots.body];
  for (const r of out) finish(r, compared);
  return out.filter((r) => r.subtotal > 0 || r.suppressed > 0 || r.children.length > 0 || r.noise);
}
