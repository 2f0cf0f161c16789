import { configHash } from '@shadowdiff/contracts';
import type { DiffKind, Role, Severity, ShadowdiffConfig } from '@shadowdiff/contracts';
import { TRUNCATED_PATH } from '@shadowdiff/engine';
import type { RouteStats } from '@shadowdiff/engine';
import { DEFAULT_REDACTED_HEADERS } from '@shadowdiff/source';
import type { ConsoleData, TimeRange } from '../api/console-data.js';
import { tapFacts } from '../api/example-view.js';
import type { NoiseEntryView } from '../noise/console-noise.js';
import { summarizeRoute, sumStats } from '../stats/route-row.js';
import type { RouteRow } from '../stats/route-row.js';
import { consoleVersion } from '../version.js';
import { latencySection, recountSection } from './findings-sections.js';
import type { LatencySection, RecountSection } from './findings-sections.js';

export const REPORT_SCHEMA = 'shadowdiff.evidence/v1';

/** Routes with fewer compared pairs are listed as a gap: their diff rate says little. */
export const LOW_SAMPLE_PAIRS = 100;
/** Drifting fields listed, most diffs first. */
export const TOP_FIELDS = 10;

export interface TapSeen {
  tapId: string;
  roles: Role[];
  /** Distinct values of each meta key seen on the tap's records (mode, version, config hash, ...). */
  meta: Record<string, string[]>;
}

/** A worker group's start-up facts (Redis `facts:worker:*`), as `buildEvidence` is given them. */
export interface WorkerSeen {
  groupId: string;
  windowMs: number;
  roles: Role[];
  configHash: string;
  reportedAt: number;
}

export interface NeverMirrored {
  service: string;
  route: string;
  /** Requests the primary served on the route in the range that have no shadow half. */
  primarySeen: number;
  /** Why: tap skip reasons, or `no shadow half` when orphans say so. */
  reasons: Record<string, number>;
}

export interface DriftingField {
  service: string;
  route: string;
  kind: DiffKind;
  path: string;
  diffs: number;
  /** diffs / compared pairs of the route. */
  rate: number | null;
  worst?: Severity;
  example?: {
    traceId: string;
    decidedAt: number;
    /** Concrete location of the finding in this pair (`/items[sku=A-1]/price`), when it has one. */
    at?: string;
    primary?: unknown;
    shadow?: unknown;
  };
}

export interface EvidenceReport {
  schema: typeof REPORT_SCHEMA;
  generatedAt: number;
  service: string;
  owner: string | null;
  range: TimeRange;
  source: {
    shadowdiffVersion: string;
    configHash: string;
    /** Taps seen on the stored example pairs (matching pairs are not stored, so this may be partial). */
    taps: TapSeen[];
    /** The taps' mode as their records report it (`meta.mode`); the config's when no tap was seen. */
    tapMode: string;
    mirrorPolicy: ShadowdiffConfig['tap']['mirror'];
    /** Window and roles as the workers reported them at start-up; the config's when none did. */
    alignment: { windowMs: number; roles: Role[]; traceHeaders: string[] };
    /** Where `tapMode` and `alignment` come from: what the taps and workers reported, or the config. */
    reported: {
      tapMode: 'taps' | 'config';
      alignment: 'workers' | 'config';
      workers: WorkerSeen[];
    };
  };
  coverage: {
    routesCovered: number;
    routesNeverMirrored: NeverMirrored[];
    /** Mirrored share of the requests the primary served (null without data). */
    mirrorRatio: number | null;
    mirrorRatioBasis: string;
  };
  totals: RouteRow;
  /** Every route with data, highest diff rate first; `latency.drift` is the paired latency finding. */
  routes: RouteRow[];
  topFields: DriftingField[];
  /** Which figures were recounted with noise decided after pairs were judged, per route. */
  recount: RecountSection;
  /** Routes significantly slower on the shadow over the same requests. */
  latency: LatencySection;
  isolation: {
    methodsMirrored: string[];
    writeRoutes: string[];
    markerHeader: string;
    redactedHeaders: string[];
    redactedJsonPaths: string[];
    captureBodyBytes: number;
    shadowTimeoutMs: number;
    maxInFlight: number;
  };
  gaps: {
    suppressed: {
      total: number;
      byReason: Record<string, number>;
      top: { route: string; kind: DiffKind; path: string; total: number }[];
    };
    truncatedBodies: number;
    lateHalves: number;
    lowSampleRoutes: string[];
    noise: {
      connected: boolean;
      learned: number;
      confirmed: number;
      rejected: number;
      unreviewed: NoiseEntryView[];
    };
    notes: string[];
  };
}

export interface ReportProgress {
  (done: number, total: number): void;
}

function worstSeverity(bySeverity: Partial<Record<Severity, number>>): Severity | undefined {
  for (const s of ['critical', 'major', 'minor', 'info'] as const)
    if ((bySeverity[s] ?? 0) > 0) return s;
  return undefined;
}

function neverMirrored(stats: RouteStats): NeverMirrored | undefined {
  const { outcomes } = stats;
  const compared = outcomes.match + outcomes.diff;
  if (compared > 0) return undefined;
  const reasons: Record<string, number> = { ...stats.unmirrored };
  const noShadow = stats.missing.shadow ?? 0;
  if (noShadow > 0) reasons['no shadow half'] = noShadow;
  const primarySeen = Object.values(reasons).reduce((a, b) => a + b, 0);
  return primarySeen > 0
    ? { service: stats.service, route: stats.route, primarySeen, reasons }
    : undefined;
}

/**
 * Gathers the evidence package for one service over a range: statistics of every route (bounded
 * reads), one stored example per top drifting field, tap facts from the examples' records, and
 * the config's mirror and isolation settings. `progress` is called per route read.
 */
export async function buildEvidence(
  data: ConsoleData,
  config: ShadowdiffConfig,
  range: TimeRange,
  now: number,
  progress: ReportProgress = () => {},
  workers: WorkerSeen[] = [],
): Promise<EvidenceReport> {
  const all = await data.routeStats(range, config.service);
  const withData = all.filter(
    (r) => r.stats.pairs > 0 || r.stats.late > 0 || Object.keys(r.stats.unmirrored).length > 0,
  );
  const rows = withData.map((r) =>
    summarizeRoute(r.stats, r.lastSeen, r.recount ? { recount: r.recount } : {}),
  );
  rows.sort(
    (a, b) =>
      (b.diffRate ?? -1) - (a.diffRate ?? -1) ||
      b.compared - a.compared ||
      a.route.localeCompare(b.route),
  );
  const summed = sumStats(
    withData.map((r) => r.stats),
    config.service,
    '*',
  );
  const totals = summarizeRoute(summed);

  // Top drifting fields over every route, each with its newest stored example.
  const candidates: DriftingField[] = [];
  for (const { stats } of withData) {
    const compared = stats.outcomes.match + stats.outcomes.diff;
    for (const p of stats.paths) {
      const worst = worstSeverity(p.bySeverity);
      candidates.push({
        service: stats.service,
        route: stats.route,
        kind: p.kind,
        path: p.path,
        diffs: p.total,
        rate: compared > 0 ? p.total / compared : null,
        ...(worst ? { worst } : {}),
      });
    }
  }
  candidates.sort(
    (a, b) => b.diffs - a.diffs || a.route.localeCompare(b.route) || a.path.localeCompare(b.path),
  );
  const topFields = candidates.slice(0, TOP_FIELDS);

  const taps = new Map<string, { roles: Set<Role>; meta: Map<string, Set<string>> }>();
  const noteTap = (bytes: Uint8Array | undefined) => {
    if (!bytes) return;
    const facts = tapFacts(bytes);
    if (!facts) return;
    let t = taps.get(facts.tapId);
    if (!t) taps.set(facts.tapId, (t = { roles: new Set(), meta: new Map() }));
    t.roles.add(facts.role);
    for (const [k, v] of Object.entries(facts.meta)) {
      let values = t.meta.get(k);
      if (!values) t.meta.set(k, (values = new Set()));
      if (values.size < 10) values.add(v);
    }
  };

  const total = topFields.length + withData.length;
  let done = 0;
  for (const field of topFields) {
    const [example] = await data.samplesOf().examples({
      service: field.service,
      route: field.route,
      kind: field.kind,
      path: field.path,
      limit: 1,
    });
    if (example) {
      const d =
        example.verdict.diffs.find((x) => x.kind === field.kind && x.path === field.path) ??
        example.verdict.diffs[0];
      field.example = {
        traceId: example.verdict.traceId,
        decidedAt: example.verdict.decidedAt,
        ...(d?.at !== undefined ? { at: d.at } : {}),
        ...(d?.primary !== undefined ? { primary: d.primary } : {}),
        ...(d?.shadow !== undefined ? { shadow: d.shadow } : {}),
      };
      for (const bytes of Object.values(example.halves)) noteTap(bytes);
    }
    progress(++done, total);
  }
  // One example per route (its top path, or an orphan) names the taps that fed it.
  for (const { stats } of withData) {
    const top = stats.paths[0];
    const [example] = await data.samplesOf().examples(
      top
        ? { service: stats.service, route: stats.route, kind: top.kind, path: top.path, limit: 1 }
        : {
            service: stats.service,
            route: stats.route,
            kind: 'outcome',
            path: 'orphan',
            limit: 1,
          },
    );
    if (example) for (const bytes of Object.values(example.halves)) noteTap(bytes);
    progress(++done, total);
  }

  const never = withData.flatMap((r) => neverMirrored(r.stats) ?? []);
  const unmirroredTotal = Object.values(summed.unmirrored).reduce((a, b) => a + b, 0);
  const primaryMissing = summed.missing.primary ?? 0;
  const shadowMissing = summed.missing.shadow ?? 0;
  const primarySeen = summed.pairs - primaryMissing + unmirroredTotal;
  const mirrored = summed.pairs - shadowMissing;
  const mirrorRatio = primarySeen > 0 ? Math.min(1, mirrored / primarySeen) : null;

  const noise = await data.noiseEntries(config.service);
  const suppressedByReason: Record<string, number> = {};
  let suppressedTotal = 0;
  const suppressedTop: EvidenceReport['gaps']['suppressed']['top'] = [];
  let truncated = 0;
  for (const { stats } of withData) {
    for (const s of stats.suppressed) {
      if (s.kind === 'body' && s.path === TRUNCATED_PATH) {
        truncated += s.total;
        continue;
      }
      suppressedTotal += s.total;
      for (const [reason, n] of Object.entries(s.byReason))
        suppressedByReason[reason] = (suppressedByReason[reason] ?? 0) + n;
      suppressedTop.push({ route: stats.route, kind: s.kind, path: s.path, total: s.total });
    }
  }
  suppressedTop.sort((a, b) => b.total - a.total || a.route.localeCompare(b.route));

  const notes: string[] = [];
  if (withData.length === 0) notes.push('No verdicts in the range: nothing was compared.');
  if (unmirroredTotal === 0 && config.tap.mode === 'mirror') {
    notes.push(
      'No unmirrored requests were recorded in the range (all eligible traffic mirrored, or taps older than the census).',
    );
  }
  if (shadowMissing > 0) {
    notes.push(
      `${shadowMissing} primary requests got no shadow half within the alignment window (orphans).`,
    );
  }
  if (!data.hasNoise())
    notes.push('Noise learning was not connected to the report: learned noise is not listed.');
  const hash = configHash(config);
  for (const [tapId, t] of taps) {
    for (const stamped of t.meta.get('configHash') ?? []) {
      if (!hash.startsWith(stamped)) {
        notes.push(
          `Tap ${tapId} ran with config hash ${stamped}…, not this report's ${hash.slice(0, stamped.length)}…: its mirror policy may differ from the one listed.`,
        );
      }
    }
  }

  const redact = config.tap.redact;
  // What ran, as the taps' records and the workers' start-up facts say, over the config's defaults.
  const tapModes = [...new Set([...taps.values()].flatMap((t) => [...(t.meta.get('mode') ?? [])]))];
  tapModes.sort();
  const newestWorker = workers.reduce<WorkerSeen | undefined>(
    (newest, w) => (newest === undefined || w.reportedAt > newest.reportedAt ? w : newest),
    undefined,
  );
  return {
    schema: REPORT_SCHEMA,
    generatedAt: now,
    service: config.service,
    owner: config.owner ?? null,
    range,
    source: {
      shadowdiffVersion: consoleVersion(),
      configHash: hash,
      taps: [...taps].map(([tapId, t]) => ({
        tapId,
        roles: [...t.roles].sort(),
        meta: Object.fromEntries([...t.meta].map(([k, v]) => [k, [...v].sort()])),
      })),
      tapMode: tapModes.length > 0 ? tapModes.join(' + ') : config.tap.mode,
      mirrorPolicy: config.tap.mirror,
      alignment: {
        windowMs: newestWorker?.windowMs ?? config.worker.windowMs,
        roles: newestWorker?.roles ?? config.worker.roles,
        traceHeaders: config.tap.traceHeaders,
      },
      reported: {
        tapMode: tapModes.length > 0 ? 'taps' : 'config',
        alignment: newestWorker ? 'workers' : 'config',
        workers: [...workers].sort((a, b) => b.reportedAt - a.reportedAt),
      },
    },
    coverage: {
      routesCovered: rows.filter((r) => r.compared > 0).length,
      routesNeverMirrored: never,
      mirrorRatio,
      mirrorRatioBasis:
        'requests with a shadow half / requests the primary served (verdicts without a missing primary, plus requests the tap did not mirror)',
    },
    totals,
    routes: rows,
    topFields,
    recount: recountSection(rows),
    latency: latencySection(rows),
    isolation: {
      methodsMirrored: config.tap.mirror.methods,
      writeRoutes: config.tap.mirror.writeRoutes,
      markerHeader: config.tap.mirror.markerHeader,
      redactedHeaders: [...new Set([...DEFAULT_REDACTED_HEADERS, ...redact.headers])],
      redactedJsonPaths: redact.jsonPaths,
      captureBodyBytes: config.tap.captureBodyBytes,
      shadowTimeoutMs: config.tap.mirror.timeoutMs,
      maxInFlight: config.tap.mirror.maxInFlight,
    },
    gaps: {
      suppressed: {
        total: suppressedTotal,
        byReason: suppressedByReason,
        top: suppressedTop.slice(0, 10),
      },
      truncatedBodies: truncated,
      lateHalves: summed.late,
      lowSampleRoutes: rows
        .filter((r) => r.compared > 0 && r.compared < LOW_SAMPLE_PAIRS)
        .map((r) => r.route),
      noise: {
        connected: data.hasNoise(),
        learned: noise.filter((e) => e.state === 'learned').length,
        confirmed: noise.filter((e) => e.state === 'confirmed').length,
        rejected: noise.filter((e) => e.state === 'rejected').length,
        unreviewed: noise.filter((e) => e.state === 'learned').slice(0, 20),
      },
      notes,
    },
  };
}
