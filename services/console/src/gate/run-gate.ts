import type { ConsoleData } from '../api/console-data.js';
import { summarizeRoute, sumStats } from '../stats/route-row.js';
import { decideGate } from './gate-decision.js';
import type { GateThresholds } from './gate-decision.js';
import { worstRoutes } from './gate-format.js';
import type { GateReport } from './gate-format.js';

export interface GateRequest extends GateThresholds {
  service: string;
  /** Gate one route (exact templated name, e.g. `GET /orders/{id}`); default all routes summed. */
  route?: string;
  windowMs: number;
  now: number;
}

/** Reads the window's statistics and decides. Pure apart from the store reads. */
export async function runGate(data: ConsoleData, req: GateRequest): Promise<GateReport> {
  const range = { from: req.now - req.windowMs, to: req.now };
  const all = await data.routeStats(range, req.service);
  const inScope = req.route === undefined ? all : all.filter((r) => r.stats.route === req.route);
  // The latency finding at the gate's ratio (its floor, interval and pairs stay the defaults).
  const latencyDrift = req.maxLatencyRatio !== undefined ? { ratio: req.maxLatencyRatio } : {};
  const rows = inScope.map((r) =>
    summarizeRoute(r.stats, r.lastSeen, {
      latencyDrift,
      ...(r.recount ? { recount: r.recount } : {}),
    }),
  );
  const totals = summarizeRoute(
    sumStats(
      inScope.map((r) => r.stats),
      req.service,
      req.route ?? '*',
    ),
    undefined,
    { latencyDrift },
  );
  const thresholds: GateThresholds = {
    maxDiffRate: req.maxDiffRate,
    minPairs: req.minPairs,
    ...(req.maxP99Ratio !== undefined ? { maxP99Ratio: req.maxP99Ratio } : {}),
    ...(req.maxLatencyRatio !== undefined ? { maxLatencyRatio: req.maxLatencyRatio } : {}),
    ...(req.failOn !== undefined ? { failOn: req.failOn } : {}),
  };
  const decision = decideGate(totals, thresholds, rows);
  const recounted = rows.filter((r) => r.recount !== undefined);
  const reasons = [...decision.reasons];
  if (req.route !== undefined && inScope.length === 0) {
    const known = all.map((r) => r.stats.route).slice(0, 5);
    reasons.push(
      `no data for route '${req.route}' in the window` +
        (known.length > 0 ? ` (routes with data: ${known.join(', ')})` : ''),
    );
  }
  return {
    verdict: decision.verdict,
    exitCode: decision.exitCode,
    scope: {
      service: req.service,
      ...(req.route !== undefined ? { route: req.route } : {}),
      windowMs: req.windowMs,
      from: range.from,
      to: range.to,
    },
    thresholds,
    checks: decision.checks,
    reasons,
    totals,
    worst: worstRoutes(rows),
    ...(recounted.length > 0
      ? {
          recounted: recounted.map((r) => ({
            route: r.route,
            pairs: r.recount!.pairs,
            paths: r.recount!.paths.map((p) => `${p.kind} ${p.path}`),
            approximate: r.recount!.approximate,
          })),
        }
      : {}),
  };
}
