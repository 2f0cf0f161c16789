import { compileRoutePattern, splitPath } from '@shadowdiff/contracts';
import type { MirrorPolicy, RoutePattern } from '@shadowdiff/contracts';
import { normalizePath, pathOf } from './route-pattern.js';
import { isSampled } from './sampling.js';

/**
 * Why a request was not mirrored (mirror mode) or not recorded (sidecar mode). A metric attribute
 * (`shadow.tap.mirror.skipped{reason}`): the list is closed so cardinality stays bounded.
 */
export const SKIP_REASONS = [
  'method',
  'route',
  'body_too_large',
  'sampled_out',
  'in_flight_full',
  'shadow_unavailable',
  'upgrade',
  'client_aborted',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export type MirrorDecision = { mirror: true } | { mirror: false; reason: SkipReason };

export interface RequestFacts {
  method: string;
  /** Request target as received (path and query). */
  url: string;
  traceId: string;
  /** Declared body length (content-length); undefined when unknown (chunked) or absent. */
  bodyBytes: number | undefined;
}

const MIRROR: MirrorDecision = { mirror: true };
const SKIP: Record<SkipReason, MirrorDecision> = Object.fromEntries(
  SKIP_REASONS.map((reason) => [reason, { mirror: false, reason }]),
) as Record<SkipReason, MirrorDecision>;

/**
 * Compiles the static part of the mirror policy: method allowlist (plus per-route write opt-in),
 * include/exclude globs, declared body size, and the trace-id-hash sample. The dynamic part — the
 * in-flight bound and bodies of unknown length outgrowing the cap — is the proxy's to enforce.
 * Every input is a pure function of the request, so two taps decide the same for the same request.
 */
export function compileMirrorPolicy(policy: MirrorPolicy): (facts: RequestFacts) => MirrorDecision {
  const methods = new Set(policy.methods.map((m) => m.toUpperCase()));
  // The schema checked these already; compiling again names the key for a caller that skipped it.
  const writeRoutes = policy.writeRoutes.map((p, i) =>
    compileRoutePattern(p, `tap.mirror.writeRoutes[${i}]`),
  );
  const paths = (list: readonly string[], key: string): RoutePattern[] =>
    list.map((p, i) => compileRoutePattern(p, `tap.mirror.${key}[${i}]`, { allowMethod: false }));
  const include = paths(policy.include, 'include');
  const exclude = paths(policy.exclude, 'exclude');
  const { percent, maxBodyBytes } = policy;

  return (facts) => {
    const segments = splitPath(normalizePath(pathOf(facts.url)));
    const method = facts.method.toUpperCase();
    if (!methods.has(method) && !writeRoutes.some((r) => r.matches(method, segments))) {
      return SKIP.method;
    }
    if (
      exclude.some((p) => p.matchesSegments(segments)) ||
      (include.length > 0 && !include.some((p) => p.matchesSegments(segments)))
    ) {
      return SKIP.route;
    }
    if (facts.bodyBytes !== undefined && facts.bodyBytes > maxBodyBytes) return SKIP.body_too_large;
    if (!isSampled(facts.traceId, percent)) return SKIP.sampled_out;
    return MIRROR;
  };
}
