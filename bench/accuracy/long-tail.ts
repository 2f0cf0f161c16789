/**
 * The long-tail scenario (issue 14; routes and truth in long-tail-routes.ts, services in
 * long-tail-scenario.ts): ACCURACY_LT_ROUTES
 * routes (default 200) x ACCURACY_LT_REQUESTS requests each (default 10), interleaved (request `n`
 * goes to route `n % routes`, so every route sees its k-th pair in round k), zero config, no
 * warm-up excluded: every pair counts from the first pair of each route.
 *
 * Prints per-verdict precision / recall (all pairs, and by the k-th pair of each route), per
 * finding precision, field-named rate, report-level false routes (routes `buildEvidence` lists as
 * drifting with no seeded drift) and whether the slow route is flagged (`routes[].latency.drift`
 * in the report; "not available" while the report has no latency finding). Targets are printed
 * beside the figures; a miss does NOT set the exit code (the classic scenario's does).
 * ACCURACY_DUMP=FILE writes every verdict (v1 JSON, one per line) for a closer look.
 */
import { writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { Verdict } from '@shadowdiff/contracts';
import { NoiseCatalog, compileRules, matchRoute } from '@shadowdiff/engine';
import { ConsoleData, buildEvidence, catalogNoise } from '@shadowdiff/console';
import type { EvidenceReport } from '@shadowdiff/console';
import { SERVICE_MS, SLOW_MS, longTailRoutes, requestPath } from './long-tail-routes.js';
import type { LongTailRoute } from './long-tail-routes.js';
import { startLongTailService } from './long-tail-scenario.js';
import { fmt, precisionOf, ratio, recallOf, scoreLongTail } from './long-tail-score.js';
import type { Counts } from './long-tail-score.js';
import { drive, startPipeline, sumMetric, traceIdOf, traceparentOf } from './wiring.js';

const ROUTE_COUNT = Number(process.env.ACCURACY_LT_ROUTES ?? 200);
const PER_ROUTE = Number(process.env.ACCURACY_LT_REQUESTS ?? 10);
const CONCURRENCY = Number(process.env.ACCURACY_CONCURRENCY ?? 8);
const FLEET = process.env.ACCURACY_FLEET === '1';
const SERVICE = 'accuracy-long-tail';
const TRACE_BASE = 0xb0000000;

type ReportRow = EvidenceReport['routes'][number];

/**
 * The report's latency finding of a route (`routes[].latency.drift`, status `slower` | `ok` |
 * `insufficient`), read without a compile-time dependency on it: undefined when the report has
 * no `latency.drift` at all.
 */
function latencyDriftOf(row: ReportRow): Record<string, unknown> | undefined {
  const d = (row.latency as unknown as { drift?: unknown }).drift;
  return typeof d === 'object' && d !== null ? (d as Record<string, unknown>) : undefined;
}

function latencyFlag(row: ReportRow): boolean | undefined {
  const d = latencyDriftOf(row);
  if (d === undefined) return undefined;
  if (typeof d.status === 'string') return d.status === 'slower';
  for (const k of ['flagged', 'drift', 'significant', 'slower'])
    if (typeof d[k] === 'boolean') return d[k];
  return true;
}

function latencyFigures(row: ReportRow | undefined): string {
  const d = row ? latencyDriftOf(row) : undefined;
  if (d === undefined) return '';
  const n = (x: unknown, digits: number) => (typeof x === 'number' ? x.toFixed(digits) : 'n/a');
  return ` (status ${String(d.status)}, ${String(d.pairs)} pairs, median ratio ${n(d.ratio, 2)}, delta ${n(d.deltaMs, 1)} ms)`;
}

function countsLine(label: string, c: Counts): string {
  return (
    `${label.padEnd(22)} verdict precision ${fmt(precisionOf(c))}  recall ${fmt(recallOf(c))}` +
    `  (drift calls right ${c.tp}, false ${c.fp}, drifts missed ${c.fn}${c.lost > 0 ? `, no verdict ${c.lost}` : ''})`
  );
}

const target = (ok: boolean) => (ok ? 'met' : 'MISSED');

/** Runs the long-tail scenario and prints its figures. Never sets the exit code. */
export async function runLongTail(): Promise<void> {
  const started = Date.now();
  const routes = longTailRoutes(ROUTE_COUNT);
  // The table's names must be what the worker templates (no word that reads as an id).
  const defaults = compileRules({});
  for (const r of routes) {
    const named = matchRoute('GET', requestPath(r, r.index), defaults).route;
    if (named !== r.route)
      throw new Error(
        `long-tail route table: ${r.route} is templated as ${named}; change the word`,
      );
  }
  const primary = await startLongTailService('primary', routes);
  const shadow = await startLongTailService('shadow', routes);
  const pipe = await startPipeline({
    name: 'accuracy-lt',
    service: SERVICE,
    primary: primary.url,
    shadow: shadow.url,
    fleet: FLEET,
  });
  const { config, verdicts } = pipe;
  const total = routes.length * PER_ROUTE;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const t0 = Date.now();
  const failed = await drive({
    base: pipe.tapUrl,
    from: 0,
    to: total,
    concurrency: CONCURRENCY,
    agent,
    pathOf: (n) => requestPath(routes[n % routes.length] as LongTailRoute, n),
    traceparent: (n) => traceparentOf(TRACE_BASE, n),
  });
  const arrived = await pipe.waitVerdicts(total);
  const dump = process.env.ACCURACY_DUMP;
  if (dump !== undefined && dump !== '')
    writeFileSync(dump, [...verdicts.values()].map((v) => JSON.stringify(v)).join('\n') + '\n');
  const elapsed = (Date.now() - t0) / 1000;
  agent.destroy();
  await pipe.stopTraffic();

  const driftRoutes = routes.filter((r) => r.drift !== undefined);
  const slow = routes.find((r) => r.slow) as LongTailRoute;
  console.log(
    `\n\n##### long-tail scenario — no config file; every rule and noise setting at its default; ${pipe.describe}`,
  );
  console.log(
    `${total} requests (${routes.length} routes x ${PER_ROUTE}, interleaved) through the mirror tap ` +
      `(${CONCURRENCY} clients, ${failed} failed) in ${elapsed.toFixed(1)} s; ${verdicts.size} verdicts` +
      (arrived ? '' : ' (not all arrived within 60 s)'),
  );
  console.log(
    `primary served ${primary.counts.plain} requests without ${config.tap.mirror.markerHeader} ` +
      `(client traffic) and ${primary.counts.marked} with it (self-check copies, ` +
      `+${fmt(100 * (ratio(primary.counts.marked, primary.counts.plain) ?? 0), 1)}% primary load); ` +
      `shadow served ${shadow.counts.plain + shadow.counts.marked}`,
  );
  console.log(
    `noise on every route: gzip on the primary only, random x-served-by header; per route shape ` +
      `one of the classic scenario's sets; extra on a seeded share of routes: ` +
      `tags shuffled ${routes.filter((r) => r.tags).length}, members {id,…} shuffled ${routes.filter((r) => r.members).length}, ` +
      `cursor 16-char base64url ${routes.filter((r) => r.cursor16).length}, tookMs ${routes.filter((r) => r.tookMs).length} routes`,
  );
  console.log(
    `service time ${SERVICE_MS} ms both sides; slow route ${slow.route}: shadow ${SLOW_MS} ms`,
  );

  const s = scoreLongTail(routes, PER_ROUTE, (n): Verdict | undefined =>
    verdicts.get(traceIdOf(TRACE_BASE, n)),
  );
  console.log(`\n== seeded drift (${driftRoutes.length} routes) ==`);
  for (const d of s.driftRoutes) {
    const how = [...d.namedAs]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 2)
      .map(([p, c]) => `${p} x${c}`)
      .join('; ');
    console.log(
      `  ${d.route.route.padEnd(34)} ${(d.route.drift?.label ?? '').padEnd(46)} on ${String(d.route.drift?.share === 1 ? 'every pair' : `~${(d.route.drift?.share ?? 0) * 100}%`).padEnd(10)} ` +
        `drifting ${d.drifting}, detected ${d.detected}, field named ${d.named}${how ? ` — ${how}` : ''}`,
    );
  }
  console.log('\n== per verdict, every pair counted (no warm-up excluded) ==');
  console.log(countsLine('all pairs', s.all));
  s.byPair.forEach((c, k) => console.log(countsLine(`pair #${k + 1} of each route`, c)));
  const findingPrecision = ratio(s.findings.tp, s.findings.tp + s.findings.fp);
  console.log(
    `per finding: precision ${fmt(findingPrecision)} (${s.findings.tp} right, ${s.findings.fp} false)`,
  );
  const namedRate = ratio(s.named, s.drifting);
  console.log(
    `field named: ${fmt(namedRate)} (${s.named} of ${s.drifting} drifting pairs name the seeded path, and element, exactly)`,
  );
  const falseTop = [...s.falseFindings].sort((a, b) => b[1].count - a[1].count).slice(0, 12);
  if (falseTop.length > 0) console.log('false findings (top):');
  for (const [key, f] of falseTop)
    console.log(`    ${key.padEnd(30)} x${String(f.count).padEnd(5)} on ${f.routes.size} routes`);
  for (const w of s.wrongRoute) console.log(`    WRONG ROUTE ${w}`);
  const suppressedTop = [...s.suppressed].sort((a, b) => b[1] - a[1]).slice(0, 12);
  console.log(
    `suppressed (top): ${suppressedTop.map(([k, c]) => `${k} x${c}`).join('; ') || 'nothing'}`,
  );

  // The evidence report over the run, as `shadowdiff report` builds it.
  const catalog = new NoiseCatalog({
    store: pipe.noise,
    config: config.noise,
    rules: compileRules(config.rules),
  });
  const report = await buildEvidence(
    new ConsoleData(pipe.samples, catalogNoise(catalog)),
    config,
    { from: started - 60_000, to: Date.now() + 60_000 },
    Date.now(),
  );
  const seeded = new Map(routes.map((r) => [r.route, r]));
  const drifting = report.routes.filter((row) => row.outcomes.diff > 0);
  const falseRoutes = drifting.filter((row) => seeded.get(row.route)?.drift === undefined);
  const listed = new Set(drifting.map((row) => row.route));
  const missedRoutes = driftRoutes.filter(
    (r) => !listed.has(r.route) && s.driftRoutes.some((d) => d.route === r && d.drifting > 0),
  );
  const latencyKnown = report.routes.some((row) => latencyFlag(row) !== undefined);
  const latencyFalse = latencyKnown
    ? report.routes.filter((row) => latencyFlag(row) === true && !seeded.get(row.route)?.slow)
    : [];
  const slowRow = report.routes.find((row) => row.route === slow.route);
  const slowFlag = slowRow ? latencyFlag(slowRow) : undefined;
  console.log('\n== evidence report (buildEvidence) ==');
  console.log(
    `${report.routes.length} routes, ${report.totals.compared} compared pairs, diff rate ${fmt(report.totals.diffRate, 4)}; ` +
      `${drifting.length} routes listed as drifting: ${drifting.length - falseRoutes.length} seeded, ${falseRoutes.length} false; ` +
      `${missedRoutes.length} seeded drift routes not listed`,
  );
  for (const row of falseRoutes.slice(0, 8))
    console.log(
      `    false route ${row.route}: diff rate ${fmt(row.diffRate, 2)}, top ${row.topPath?.path ?? '?'}`,
    );
  for (const r of missedRoutes) console.log(`    MISSED route ${r.route} (${r.drift?.label})`);
  if (latencyKnown && latencyFalse.length > 0)
    console.log(
      `    latency drift on routes without one: ${latencyFalse.map((r) => r.route).join(', ')}`,
    );
  const p50 = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(1)} ms`);
  console.log(
    `slow route ${slow.route}: p50 primary ${p50(slowRow?.latency.primary.p50 ?? null)}, shadow ${p50(slowRow?.latency.shadow.p50 ?? null)}; ` +
      `latency finding: ${slowFlag === undefined ? 'not available (the report has no routes[].latency.drift)' : slowFlag ? 'flagged' : 'not flagged'}${latencyFigures(slowRow)}`,
  );

  const recount = (report as { recount?: { recounted?: boolean; routes?: unknown[] } }).recount;
  if (recount !== undefined)
    console.log(
      `recount (noise decided after pairs were judged): ${recount.recounted ? `${recount.routes?.length ?? 0} routes recounted` : 'nothing recounted'}`,
    );
  const metrics = await pipe.metrics();
  const reasons = ['volatile', 'learned', 'secondary', 'rule'];
  console.log(
    `metrics: shadow.diffs ${sumMetric(metrics.get('shadow.diffs'))}; shadow.suppressed ` +
      reasons
        .map((r) => `${r} ${sumMetric(metrics.get('shadow.suppressed'), (a) => a.reason === r)}`)
        .join(', '),
  );
  for (const [name, m] of metrics) {
    if (!/self.?check|secondary/i.test(name)) continue;
    const byOutcome = new Map<string, number>();
    for (const p of m.dataPoints) {
      const key = String(p.attributes.outcome ?? p.attributes.reason ?? '');
      byOutcome.set(key, (byOutcome.get(key) ?? 0) + (typeof p.value === 'number' ? p.value : 0));
    }
    console.log(
      `  ${name}: ${sumMetric(m)} (${[...byOutcome].map(([k, n]) => `${k || '-'} ${n}`).join(', ')})`,
    );
  }

  const precision = precisionOf(s.all);
  const recall = recallOf(s.all);
  const falseCount = falseRoutes.length + latencyFalse.length;
  console.log('\nTargets (long-tail; printed, not enforced):');
  console.log(
    `  per-verdict precision from the first pair >= 0.99: ${fmt(precision)} — ${target((precision ?? 1) >= 0.99)} (first pair only: ${fmt(precisionOf(s.byPair[0] as Counts))})`,
  );
  console.log(
    `  per-verdict recall from the first pair = 1.0:    ${fmt(recall)} — ${target((recall ?? 1) === 1)} (first pair only: ${fmt(recallOf(s.byPair[0] as Counts))})`,
  );
  console.log(
    `  field named >= 0.99:                            ${fmt(namedRate)} — ${target((namedRate ?? 1) >= 0.99)}`,
  );
  console.log(
    `  false routes in the report = 0:                 ${falseCount} — ${target(falseCount === 0)}${latencyKnown ? '' : ' (drift findings only; no latency finding in the report)'}`,
  );
  console.log(
    `  slow route flagged:                             ${slowFlag === undefined ? 'not available' : slowFlag ? 'yes — met' : 'no — MISSED'}`,
  );
  console.log(`(long-tail total ${((Date.now() - started) / 1000).toFixed(1)} s)`);

  await pipe.close();
  await primary.close();
  await shadow.close();
}
