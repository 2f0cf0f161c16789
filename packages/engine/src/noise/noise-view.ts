import type { DiffKind, DiffOp, NoiseConfig, SuppressReason } from '@shadowdiff/contracts';
import type { NoiseFilter } from '../judge/noise-filter.js';
import { compilePointer } from '../normalize/json-pointer.js';
import type { PointerPattern } from '../normalize/json-pointer.js';
import type {
  NoiseAspect,
  NoiseDecisionRecord,
  NoiseDiffKind,
  NoiseKey,
  NoiseMark,
  NoiseSnapshot,
} from '../ports/noise-store.js';
import type { CompiledRouteRule, CompiledRules } from '../route/compile-rules.js';
import { isValueOp } from '../judge/self-check.js';
import { assess, secondaryCancels, selfCheckNoisy } from './learner.js';
import type { NoiseEvidence, NoiseStatus } from './learner.js';
import { byListing, listing } from './noise-listing.js';
import type { NoiseListing } from './noise-listing.js';
import { overlaps, withLearnedSets } from './learned-sets.js';
import { PendingNoise, isPendingNoise } from './pending.js';
import { ROUTE_STABLE_PAIRS, SiblingEvidence } from './sibling-evidence.js';

export type { NoiseListing } from './noise-listing.js';

/**
 * Arrays are inspected for reordering until this many differences were seen; past it, an array
 * not learned as a set is taken for a list and no more bodies are parsed for it.
 */
export const ORDER_EVIDENCE_LIMIT = 1_000;

export interface NoiseViewOptions {
  config: NoiseConfig;
  /** The compiled `rules:` section (learned sets extend a route's configured rule). */
  rules: CompiledRules;
}

interface RouteView {
  /** `kind \0 path` -> status of value entries that are decided. */
  values: Map<string, NoiseStatus>;
  /** Array pointer -> status of order entries, and whether more evidence is wanted. */
  orders: Map<string, { status: NoiseStatus; wanted: boolean }>;
  /** Pointers treated as sets (learned or confirmed). */
  sets: string[];
  secondaryPairs: number;
  /** `kind \0 op \0 path` -> counts. */
  secondary: Map<string, { secondary: number; shadow: number }>;
  /** `kind \0 path` -> self-checked pairs where primary and secondary differed there (any op). */
  selfDiffs: Map<string, number>;
  rules: WeakMap<object, CompiledRouteRule>;
  unconfigured?: CompiledRouteRule;
}

const SEP = '\u0000';

function emptyRoute(): RouteView {
  return {
    values: new Map(),
    orders: new Map(),
    sets: [],
    secondaryPairs: 0,
    secondary: new Map(),
    selfDiffs: new Map(),
    rules: new WeakMap(),
  };
}

/**
 * The learner's decisions over one snapshot of stored statistics, as the {@link NoiseFilter}
 * `judge` consults per pair (pure and immutable: a worker swaps in a new view after each refresh).
 *
 * - `suppress`: a learned or confirmed value path takes out its value changes (`replace` only —
 *   a removed field or a type change at a noisy path is still reported) with reason `learned`; a
 *   path the secondary explains (see `secondaryCancels`) with reason `secondary`. A rejected path
 *   is always reported.
 * - self-check (the Diffy role off): a value change (`replace`, `reorder`) at a path where the
 *   primary's two answers to the same request differed in >= `SELF_CHECK_MIN_SHARE` of the route's
 *   (a `reorder`: `SELF_CHECK_MIN_REORDER_SHARE`, a shuffle often keeps a short list's order)
 *   self-checked pairs is suppressed with reason `secondary` on every pair of the route, with a
 *   secondary or not (`selfCheckExplains`); `selfChecked` keeps a rejected path reported.
 * - `rule`: learned or confirmed sets extend the route's rule with `arrays: { <path>: set }`, so
 *   normalization sorts them exactly as a configured set rule would.
 */
export class NoiseView implements NoiseFilter {
  private readonly routes = new Map<string, RouteView>();
  private readonly listed: NoiseListing[] = [];
  private readonly statuses = new Map<string, NoiseStatus>();
  private readonly toMark: NoiseMark[] = [];
  /** Undecided noise candidates (`pending`). */
  private readonly undecided = new PendingNoise();
  /** Self-check evidence across the service's routes (`siblingsExplain`). */
  private readonly siblings = new SiblingEvidence();

  constructor(
    readonly snapshot: NoiseSnapshot,
    private readonly options: NoiseViewOptions,
  ) {
    const { config } = options;
    const decisions = new Map<string, NoiseDecisionRecord>();
    for (const d of snapshot.decisions) {
      decisions.set(`${d.route}${SEP}${d.kind}${SEP}${d.aspect}${SEP}${d.path}`, d);
      if (d.decision === 'rejected') this.siblings.reject(`${d.kind}${SEP}${d.path}`);
    }
    const service = snapshot.service;
    for (const r of snapshot.routes) {
      const view = this.route(r.route);
      if (r.secondary !== undefined) {
        view.secondaryPairs = r.secondary.pairs;
        for (const p of r.secondary.paths) {
          view.secondary.set(`${p.kind}${SEP}${p.op}${SEP}${p.path}`, {
            secondary: p.secondary,
            shadow: p.shadow,
          });
          if (p.secondary > 0 && p.path !== '') {
            const k = `${p.kind}${SEP}${p.path}`;
            view.selfDiffs.set(k, (view.selfDiffs.get(k) ?? 0) + p.secondary);
          }
        }
      }
      for (const e of r.entries) {
        const dk = `${r.route}${SEP}${e.kind}${SEP}${e.aspect}${SEP}${e.path}`;
        const decision = decisions.get(dk);
        decisions.delete(dk);
        const a = assess(e, r.pairs, config, decision?.decision);
        // Self-check evidence: the primary's own two answers differed here often enough.
        const self = view.selfDiffs.get(`${e.kind}${SEP}${e.path}`) ?? 0;
        // An order entry counts too: a primary that reorders an array itself proves a set.
        const selfOp =
          e.aspect === 'value' ? 'replace' : e.aspect === 'order' ? 'reorder' : undefined;
        if (
          decision === undefined &&
          selfOp !== undefined &&
          this.selfCheckExplains(r.route, e.kind, e.path, selfOp)
        ) {
          a.status = 'learned';
          a.reason = `the primary's own two answers to one request differed here in ${self} of ${view.secondaryPairs} self-checked pairs`;
        }
        const key: NoiseKey = {
          service,
          route: r.route,
          kind: e.kind,
          aspect: e.aspect,
          path: e.path,
        };
        this.note(view, key, a.status, e.changes + e.other);
        if (a.status === 'observing' && isPendingNoise(e, a.evidence, config)) {
          this.undecided.add(r.route, e.kind, e.aspect, e.path);
        }
        if (a.status === 'learned' && e.learnedAt === undefined) {
          this.toMark.push({ key, samples: a.evidence.samples });
        }
        this.listed.push(listing(key, a.status, a.evidence, a.reason, e.learnedAt, decision));
      }
      this.siblings.addRoute(
        view.secondaryPairs,
        view.selfDiffs,
        r.entries.filter((e) => e.changes > 0).map((e) => `${e.kind}${SEP}${e.path}`),
      );
    }
    // Decisions on entries without statistics (decided before being seen, or statistics expired).
    for (const d of decisions.values()) {
      const key: NoiseKey = {
        service,
        route: d.route,
        kind: d.kind,
        aspect: d.aspect,
        path: d.path,
      };
      this.note(this.route(d.route), key, d.decision, 0);
      const evidence: NoiseEvidence = {
        samples: 0,
        changes: 0,
        changeRate: 0,
        valued: 0,
        distinct: 0,
        cardinality: 0,
        valueKind: d.aspect === 'order' ? 'order' : 'unknown',
      };
      this.listed.push(
        listing(
          key,
          d.decision,
          evidence,
          `${d.decision} by a user; no statistics yet`,
          undefined,
          d,
        ),
      );
    }
  }

  /** An empty view: built-in rules and nothing learned yet. */
  static empty(service: string, options: NoiseViewOptions): NoiseView {
    return new NoiseView({ service, routes: [], decisions: [] }, options);
  }

  private route(name: string): RouteView {
    let view = this.routes.get(name);
    if (view === undefined) this.routes.set(name, (view = emptyRoute()));
    return view;
  }

  private note(view: RouteView, key: NoiseKey, status: NoiseStatus, observed: number): void {
    this.statuses.set(`${key.route}${SEP}${key.kind}${SEP}${key.aspect}${SEP}${key.path}`, status);
    if (key.aspect === 'value') {
      if (status !== 'observing') view.values.set(`${key.kind}${SEP}${key.path}`, status);
      return;
    }
    const wanted = status === 'observing' && observed < ORDER_EVIDENCE_LIMIT;
    view.orders.set(key.path, { status, wanted });
    if (status === 'learned' || status === 'confirmed') view.sets.push(key.path);
  }

  suppress(route: string, kind: DiffKind, path: string, op: DiffOp): SuppressReason | undefined {
    const reason = this.suppressByRoute(route, kind, path, op);
    if (reason !== undefined || this.options.config.secondary.enabled) return reason;
    return this.siblingsExplain(route, kind, path, op) ? 'secondary' : undefined;
  }

  /** `suppress` on the route's own evidence only (no `siblingsExplain`). */
  suppressByRoute(
    route: string,
    kind: DiffKind,
    path: string,
    op: DiffOp,
  ): SuppressReason | undefined {
    const view = this.routes.get(route);
    if (view === undefined || kind === 'status') return undefined;
    const status = view.values.get(`${kind}${SEP}${path}`);
    if (status === 'rejected') return undefined;
    if (op === 'replace' && (status === 'learned' || status === 'confirmed')) return 'learned';
    const { secondary } = this.options.config;
    if (!secondary.enabled && this.selfCheckExplains(route, kind, path, op)) return 'secondary';
    if (secondary.enabled && view.secondaryPairs > 0) {
      const counts = view.secondary.get(`${kind}${SEP}${op}${SEP}${path}`);
      if (
        counts !== undefined &&
        secondaryCancels({ pairs: view.secondaryPairs, ...counts }, secondary)
      ) {
        return 'secondary';
      }
    }
    return undefined;
  }

  /**
   * Whether the self-check evidence stored for the route (plus `extra`, evidence a worker gathered
   * since its last refresh) makes a value change at `kind` + `path` noise. Never with the Diffy
   * role on (its thresholds decide there), with learning off, for a structural change, or at a
   * path a user rejected.
   */
  selfCheckExplains(
    route: string,
    kind: DiffKind,
    path: string,
    op: DiffOp,
    extra?: { pairs: number; diffs: number },
  ): boolean {
    const { config } = this.options;
    if (config.secondary.enabled || !config.learn || kind === 'status' || !isValueOp(op)) {
      return false;
    }
    const view = this.routes.get(route);
    const k = `${kind}${SEP}${path}`;
    if (this.rejected(route, kind, path)) return false;
    const pairs = (view?.secondaryPairs ?? 0) + (extra?.pairs ?? 0);
    const diffs = (view?.selfDiffs.get(k) ?? 0) + (extra?.diffs ?? 0);
    return selfCheckNoisy(diffs, pairs, op);
  }

  /**
   * Whether the self-check evidence of the service's other routes makes a value change at `kind` +
   * `path` noise on a route whose own primary has not yet held still there in
   * `ROUTE_STABLE_PAIRS` self-checked pairs (see `SiblingEvidence`). `extra` is the route's own
   * evidence a worker gathered since its refresh, `extraRoutes` the routes its recent self-checks
   * found noisy there. Same exclusions as `selfCheckExplains`.
   */
  siblingsExplain(
    route: string,
    kind: DiffKind,
    path: string,
    op: DiffOp,
    extra?: { pairs: number; diffs: number },
    extraRoutes = 0,
  ): boolean {
    const { config } = this.options;
    if (config.secondary.enabled || !config.learn || kind === 'status' || !isValueOp(op)) {
      return false;
    }
    if (this.rejected(route, kind, path)) return false;
    const view = this.routes.get(route);
    const k = `${kind}${SEP}${path}`;
    const pairs = (view?.secondaryPairs ?? 0) + (extra?.pairs ?? 0);
    const diffs = (view?.selfDiffs.get(k) ?? 0) + (extra?.diffs ?? 0);
    // Held still twice and never differed: the route's own value is real. Once it differed, the
    // times it held still are coincidences (a tookMs of 40 values repeats 1 call in 40).
    if (diffs === 0 && pairs >= ROUTE_STABLE_PAIRS) return false;
    return this.siblings.explains(k, op, extraRoutes);
  }

  /** A finding the pair's own self-check explains: suppressed unless a user rejected the path. */
  selfChecked(route: string, kind: DiffKind, path: string): SuppressReason | undefined {
    if (kind === 'status' || this.rejected(route, kind, path)) return undefined;
    return 'secondary';
  }

  /** Whether a user rejected the path as noise (its value, or its order for an array). */
  private rejected(route: string, kind: DiffKind, path: string): boolean {
    const view = this.routes.get(route);
    if (view === undefined) return false;
    if (view.values.get(`${kind}${SEP}${path}`) === 'rejected') return true;
    return kind === 'body' && view.orders.get(path)?.status === 'rejected';
  }

  /** The route's rule extended with learned sets (cached per route and configured rule). */
  rule(route: string, configured: CompiledRouteRule | undefined): CompiledRouteRule | undefined {
    const view = this.routes.get(route);
    if (view === undefined || view.sets.length === 0) return configured;
    if (configured === undefined && view.unconfigured !== undefined) return view.unconfigured;
    const cached = configured === undefined ? undefined : view.rules.get(configured);
    if (cached !== undefined) return cached;
    const merged = this.merge(route, view, configured);
    if (configured === undefined) view.unconfigured = merged;
    else view.rules.set(configured, merged);
    return merged;
  }

  private merge(
    route: string,
    view: RouteView,
    configured: CompiledRouteRule | undefined,
  ): CompiledRouteRule {
    return withLearnedSets(route, view.sets, configured, this.options.rules, (pointer, base) =>
      this.elementSkip(route, pointer, base),
    );
  }

  /**
   * Pointers relative to one element of the array at `pointer` that are left out of element
   * identity: configured ignores and learned value paths under it (an item's volatile timestamp
   * must not make a reordered set look changed).
   */
  elementSkip(
    route: string,
    pointer: PointerPattern,
    configured: CompiledRouteRule | undefined,
  ): PointerPattern[] {
    const out: PointerPattern[] = [];
    const add = (p: PointerPattern) => {
      if (p.length > pointer.length + 1 && overlaps(pointer, p))
        out.push(p.slice(pointer.length + 1));
    };
    for (const p of configured?.ignore ?? []) add(p);
    const view = this.routes.get(route);
    for (const [key, status] of view?.values ?? []) {
      if (status !== 'learned' && status !== 'confirmed') continue;
      const [kind, path] = key.split(SEP) as [string, string];
      if (kind === 'body') add(compilePointer(path, 'learned path'));
    }
    return out;
  }

  /** Whether a worker should still inspect the arrays at `pointer` for reordering. */
  wantsOrderEvidence(route: string, pointer: string): boolean {
    const order = this.routes.get(route)?.orders.get(pointer);
    return order === undefined || order.wanted;
  }

  /**
   * Whether a reported finding is noise the learner is still deciding (see `isPendingNoise`): a
   * value change (`replace`) at an undecided candidate path, or a `reorder` of / value change
   * inside an undecided candidate set. `judge` marks a diff verdict made only of such findings
   * `noisePending`, which the diff-rate alert leaves out until the learner has decided.
   */
  pending(route: string, kind: DiffKind, path: string, op: DiffOp): boolean {
    return this.undecided.has(route, kind, path, op);
  }

  /** Entries whose evidence crossed the thresholds but are not marked learned in the store yet. */
  newlyLearned(): readonly NoiseMark[] {
    return this.toMark;
  }

  /** Every entry with its status and evidence: decided ones first, then by route and path. */
  list(): readonly NoiseListing[] {
    return this.listed.slice().sort(byListing);
  }

  /** The status of one entry, if it has statistics or a decision. */
  status(
    route: string,
    kind: NoiseDiffKind,
    aspect: NoiseAspect,
    path: string,
  ): NoiseStatus | undefined {
    return this.statuses.get(`${route}${SEP}${kind}${SEP}${aspect}${SEP}${path}`);
  }
}
