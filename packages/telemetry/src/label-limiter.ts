/** The attribute value that stands for every route or path past the cap. */
export const OTHER = 'other';

export interface LabelLimiterOptions {
  /** Distinct routes kept as themselves; later ones become `other`. Default 500. */
  maxRoutes?: number;
  /** Distinct diff paths kept per route; later ones become `other`. Default 50. */
  pathsPerRoute?: number;
}

/**
 * Bounds label cardinality: the first `maxRoutes` routes (and, per route, the first
 * `pathsPerRoute` paths) seen by this process keep their names, the rest are `other`. A series
 * per user id or order number would melt Prometheus; a bounded `other` keeps the totals right.
 * First come, first kept: deterministic per process and cheap (two Map lookups).
 */
export class LabelLimiter {
  readonly maxRoutes: number;
  readonly pathsPerRoute: number;
  private readonly paths = new Map<string, Set<string>>();

  constructor(options: LabelLimiterOptions = {}) {
    this.maxRoutes = options.maxRoutes ?? 500;
    this.pathsPerRoute = options.pathsPerRoute ?? 50;
  }

  /** The route label to use: the route itself while under the cap, else `other`. */
  route(route: string): string {
    if (this.paths.has(route)) return route;
    if (this.paths.size >= this.maxRoutes) return OTHER;
    this.paths.set(route, new Set());
    return route;
  }

  /**
   * The path label for a diff on `route` (pass the already-limited route). `kind` keeps body and
   * header paths apart, so a header name never takes a body path's slot.
   */
  path(route: string, kind: string, path: string): string {
    let seen = this.paths.get(route);
    if (seen === undefined) {
      if (this.route(route) === OTHER) return OTHER;
      seen = this.paths.get(route)!;
    }
    const key = `${kind} ${path}`;
    if (seen.has(key)) return path;
    if (seen.size >= this.pathsPerRoute) return OTHER;
    seen.add(key);
    return path;
  }
}
